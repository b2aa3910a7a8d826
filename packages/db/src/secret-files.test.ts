import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applySecretFilesOf, resolveSecretFilesOf } from "./secret-files";

describe("secret files (X_FILE)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-secret-files-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, content);
    return at;
  };

  it("reads X from the file named by X_FILE, trimmed, and removes X_FILE", () => {
    const secret = file("secret", "  s3cret value\n");
    const env = { A_FILE: secret, OTHER: "kept" };
    expect(resolveSecretFilesOf(env, ["A", "B"])).toEqual({ A: "s3cret value", OTHER: "kept" });
    expect(env).toEqual({ A_FILE: secret, OTHER: "kept" }); // a new environment
  });

  it("leaves X alone without X_FILE, and treats an empty X or X_FILE as unset", () => {
    const secret = file("empty-x", "from-file\r\n");
    expect(resolveSecretFilesOf({ A: "direct" }, ["A"])).toEqual({ A: "direct" });
    expect(resolveSecretFilesOf({ A: "direct", A_FILE: "" }, ["A"])).toEqual({ A: "direct" });
    expect(resolveSecretFilesOf({ A: "", A_FILE: secret }, ["A"])).toEqual({ A: "from-file" });
  });

  it("ignores X_FILE for names not in the list", () => {
    const secret = file("other", "x");
    expect(resolveSecretFilesOf({ C_FILE: secret }, ["A"])).toEqual({ C_FILE: secret });
  });

  it("refuses X and X_FILE both set, naming both", () => {
    const secret = file("both", "x");
    expect(() => resolveSecretFilesOf({ A: "direct", A_FILE: secret }, ["A"])).toThrow(
      "Invalid configuration:\n  A_FILE: A and A_FILE are both set: set one of them",
    );
  });

  it("names the variable and the path of a missing file, a folder, or an empty file", () => {
    const missing = path.join(dir, "missing");
    expect(() => resolveSecretFilesOf({ A_FILE: missing }, ["A"])).toThrow(
      `Invalid configuration:\n  A_FILE: cannot read ${missing}: no such file`,
    );
    expect(() => resolveSecretFilesOf({ A_FILE: dir }, ["A"])).toThrow(`A_FILE: cannot read ${dir}: it is a folder, not a file`);
    const blank = file("blank", " \n\n");
    expect(() => resolveSecretFilesOf({ A_FILE: blank }, ["A"])).toThrow(`A_FILE: ${blank} is empty (it must hold A)`);
  });

  it("reports every problem at once", () => {
    const secret = file("every", "x");
    expect(() => resolveSecretFilesOf({ A: "a", A_FILE: secret, B_FILE: path.join(dir, "nope") }, ["A", "B"])).toThrow(
      /^Invalid configuration:\n {2}A_FILE: A and A_FILE are both set: set one of them\n {2}B_FILE: cannot read .*nope: no such file$/,
    );
  });

  it("applies to an environment in place", () => {
    const env: NodeJS.ProcessEnv = { A_FILE: file("apply", "applied\n"), B_FILE: "" };
    applySecretFilesOf(["A", "B"], env);
    expect(env).toEqual({ A: "applied" });
  });
});
