import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./dockerfile";
import { stop, tempDataDir } from "./run-app";
import { startServerProcess } from "./server-process";

const TOKEN = "a-metrics-token-of-at-least-32-chars";

describe("the built server's version and revision", () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it("in a checkout: /api/status and ociauth_build_info show package.json's version and git's HEAD; OCIAUTH_VERSION/OCIAUTH_REVISION override them", async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    for (const [env, expected] of [
      [{}, { version, revision: head }],
      [
        { OCIAUTH_VERSION: "3.2.1-e2e", OCIAUTH_REVISION: "0badc0de" },
        { version: "3.2.1-e2e", revision: "0badc0de" },
      ],
    ] as const) {
      const app = await startServerProcess({ PGLITE_DIR: data.dir, METRICS: "on", METRICS_TOKEN: TOKEN, ...env });
      try {
        const status = (await (await fetch(`${app.url}/api/status`)).json()) as Record<string, unknown>;
        expect(status).toMatchObject({ message: "Ok", ...expected });
        const scrape = await (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
        expect(scrape).toContain(
          `ociauth_build_info{version="${expected.version}",revision="${expected.revision}",node_version="${process.version}"} 1`,
        );
      } finally {
        await stop(app.child);
      }
    }
  });
});
