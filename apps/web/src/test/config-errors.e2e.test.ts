import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { appDir, tempDataDir } from "./run-app";

/** Runs the production entry (`node server.mjs`) until it exits by itself, with its exit code and output. */
function runServerUntilExit(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["server.mjs"], {
    cwd: appDir,
    env: { ...process.env, DATABASE_URL: "", AUTH_SECRET: "", PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("configuration errors stop the server with a message naming the variable", () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it.each([
    ["PORT", "abc", /PORT must be a port number from 0 to 65535/],
    ["PORT", "70000", /PORT must be a port number from 0 to 65535/],
    ["HOST", "not a host/", /HOST must be a host name or an IP address/],
    ["LOG_LEVEL", "verbose", /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ["METRICS", "yes", /METRICS must be on or off/],
    ["METRICS_PORT", "http", /METRICS_PORT must be a port number/],
    ["METRICS", "on", /METRICS=on needs METRICS_TOKEN \(.*\) or METRICS_PORT/],
    ["METRICS_TOKEN", "too-short", /METRICS_TOKEN must be at least 32 characters/],
  ])("%s=%s", async (name, value, message) => {
    const { code, output } = await runServerUntilExit({ PGLITE_DIR: data.dir, [name]: value });
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).toContain("The server was not started.");
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("an unusable PGLITE_DIR is named, with what to do, before anything opens it", async () => {
    const { code, output } = await runServerUntilExit({ PGLITE_DIR: "/proc/nope" }, 30_000);
    expect(code).toBe(1);
    expect(output).toMatch(/\/proc\/nope \(PGLITE_DIR\) cannot be created or written/);
    expect(output).toContain("Set PGLITE_DIR to a writable folder");
    expect(output).not.toContain("prisma migrate deploy");
  });

  it("a port in use: a clear message and exit code 1, not a stack trace", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, output } = await runServerUntilExit({ PGLITE_DIR: data.dir, PORT: String(port) });
      expect(code).toBe(1);
      expect(output).toContain(`Port ${port} is already in use: set PORT to a free port`);
      expect(output).not.toContain("EADDRINUSE");
    } finally {
      blocker.close();
    }
  });
});
