import { describe, expect, it } from "vitest";
import { statusAnswer } from "../http/health";
import { buildInfo } from "./build-info";
import { registry } from "./metrics";

describe("the server's version and revision", () => {
  const { version, revision } = buildInfo();

  it("are found (a checkout: package.json and git)", () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(revision).toMatch(/^[0-9a-f]{40}$/);
  });

  it("/api/status shows them beside Infisical's fields", () => {
    expect(statusAnswer(undefined)).toMatchObject({ message: "Ok", version, revision });
  });

  it("ociauth_build_info{version,revision,node_version} is 1", async () => {
    const text = await registry.metrics();
    expect(text).toContain("# TYPE ociauth_build_info gauge");
    expect(text).toContain(`ociauth_build_info{version="${version}",revision="${revision}",node_version="${process.version}"} 1`);
    expect(text.match(/^ociauth_build_info\{/gm)).toHaveLength(1);
  });
});
