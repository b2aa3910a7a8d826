import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import { applySecretFiles, resolveSecretFiles, SECRET_NAMES } from "./secret-files";

describe("secret settings given as files (X_FILE)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-api-secret-files-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, content);
    return at;
  };
  const authSecret = "a-secret-from-a-file-with-at-least-32-characters";

  it("covers every secret setting", () => {
    expect([...SECRET_NAMES].sort()).toEqual([
      "AUDIT_HTTP_HMAC_SECRET",
      "AUDIT_HTTP_TOKEN",
      "AUTH_SECRET",
      "AUTH_SECRET_PREVIOUS",
      "DATABASE_URL",
      "METRICS_TOKEN",
    ]);
  });

  it.each(SECRET_NAMES)("%s_FILE gives %s, the trailing newline trimmed", (name) => {
    const secret = file(name, `value-of-${name}\n`);
    const resolved = resolveSecretFiles({ [`${name}_FILE`]: secret, PORT: "3000" });
    expect(resolved).toEqual({ [name]: `value-of-${name}`, PORT: "3000" });
  });

  it.each(SECRET_NAMES)("%s and %s_FILE both set stop with a message naming both", (name) => {
    const secret = file(`${name}-both`, "x");
    expect(() => resolveSecretFiles({ [name]: "direct", [`${name}_FILE`]: secret })).toThrow(
      `Invalid configuration:\n  ${name}_FILE: ${name} and ${name}_FILE are both set: set one of them`,
    );
  });

  it("loadConfig reads AUTH_SECRET and METRICS_TOKEN from files and validates them as if set directly", () => {
    const config = loadConfig({
      AUTH_SECRET_FILE: file("auth", `${authSecret}\n`),
      METRICS: "on",
      METRICS_TOKEN_FILE: file("metrics", "metrics-token-with-at-least-32-characters\n"),
    });
    expect(config.AUTH_SECRET).toBe(authSecret);
    expect(config.METRICS_TOKEN).toBe("metrics-token-with-at-least-32-characters");
    expect(() => loadConfig({ AUTH_SECRET_FILE: file("short", "short\n") })).toThrow(
      /AUTH_SECRET: AUTH_SECRET must be at least 32 characters/,
    );
  });

  it("loadConfig reports a missing or empty file as a configuration error", () => {
    const missing = path.join(dir, "missing");
    expect(() => loadConfig({ AUTH_SECRET_FILE: missing })).toThrow(
      `Invalid configuration:\n  AUTH_SECRET_FILE: cannot read ${missing}: no such file`,
    );
    const empty = file("empty", "\n");
    expect(() => loadConfig({ METRICS_TOKEN_FILE: empty })).toThrow(`METRICS_TOKEN_FILE: ${empty} is empty (it must hold METRICS_TOKEN)`);
    expect(() => loadConfig({ AUTH_SECRET: authSecret, AUTH_SECRET_FILE: file("auth-both", authSecret) })).toThrow(
      "AUTH_SECRET and AUTH_SECRET_FILE are both set: set one of them",
    );
  });

  it("applySecretFiles fills the environment in place and removes the X_FILE variables", () => {
    const env: NodeJS.ProcessEnv = { DATABASE_URL_FILE: file("db", "postgresql://u:p@db:5432/app\n"), AUTH_SECRET: authSecret };
    applySecretFiles(env);
    expect(env).toEqual({ DATABASE_URL: "postgresql://u:p@db:5432/app", AUTH_SECRET: authSecret });
  });
});
