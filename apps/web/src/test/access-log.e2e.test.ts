import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { stop, tempDataDir } from "./run-app";
import { startServerProcess } from "./server-process";

const startServer = (dataDir: string) => startServerProcess({ PGLITE_DIR: dataDir });

/** The access-log lines (JSON) whose path is `path`. */
const accessLines = (output: string, path: string) =>
  output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg: string; path?: string; status?: number })
    .filter((line) => line.msg === "request" && line.path === path);

describe("access log", () => {
  let data = tempDataDir();
  afterEach(() => {
    data.remove();
    data = tempDataDir();
  });

  it("a request's line is written within a second", async () => {
    const app = await startServer(data.dir);
    try {
      const path = `/api/v1/log-probe-${randomUUID()}`;
      expect((await fetch(app.url + path)).status).toBe(404);
      await new Promise((r) => setTimeout(r, 1000));
      expect(accessLines(app.output(), path)).toEqual([expect.objectContaining({ status: 404 })]);
    } finally {
      await stop(app.child);
    }
  });

  it.each(["SIGTERM", "SIGINT"] as const)("no line is lost when the process group gets %s right after the requests", async (signal) => {
    const app = await startServer(data.dir);
    const path = `/api/v1/log-probe-${randomUUID()}`;
    const count = 6;
    for (let i = 0; i < count; i++) expect((await fetch(app.url + path)).status).toBe(404);
    process.kill(-app.child.pid!, signal);
    expect(await app.exited).toBe(0);
    expect(accessLines(app.output(), path)).toHaveLength(count);
    expect(app.output()).toContain(`${signal} received, shutting down`);
  });
});
