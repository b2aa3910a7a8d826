import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildInfo } from "./build-info";

const root = path.resolve(import.meta.dirname, "../../..");

describe("buildInfo", () => {
  it("in a checkout: the root package.json's version and git's HEAD", () => {
    const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(buildInfo({})).toEqual({ version, revision: head });
  });

  it("OCIAUTH_VERSION and OCIAUTH_REVISION override it (the image sets them); blank ones do not", () => {
    expect(buildInfo({ OCIAUTH_VERSION: "2.3.4", OCIAUTH_REVISION: "abc1234" })).toEqual({ version: "2.3.4", revision: "abc1234" });
    expect(buildInfo({ OCIAUTH_VERSION: " ", OCIAUTH_REVISION: "" })).toEqual(buildInfo({}));
  });
});
