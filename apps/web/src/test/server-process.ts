import { spawn } from "node:child_process";
import { freePort } from "@ociauth/db/testing";
import { appDir } from "./run-app";

/**
 * `node scripts/start.mjs` (what `pnpm start` runs) in its own process group, with info-level
 * logs, until /healthz answers. `exited` resolves with its exit code.
 */
export async function startServerProcess(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: appDir,
    env: {
      ...process.env,
      DATABASE_URL: "",
      PGLITE_DIR: "",
      AUTH_SECRET: "",
      LOG_LEVEL: "info",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  let stdout = "";
  child.stdout.on("data", (d) => ((output += d), (stdout += d)));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null) throw new Error(`the server exited early (code ${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not answer:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, port, child, exited, output: () => output, stdout: () => stdout };
}

/**
 * Runs the production entry (`node server.mjs`, or `entry`, e.g. scripts/start.mjs) until it exits
 * by itself, with its exit code and output.
 */
export function runServerUntilExit(
  env: Record<string, string>,
  timeoutMs = 60_000,
  entry = "server.mjs",
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [entry], {
    cwd: appDir,
    env: {
      ...process.env,
      DATABASE_URL: "",
      AUTH_SECRET: "",
      DATABASE_URL_FILE: "",
      AUTH_SECRET_FILE: "",
      PORT: "0",
      HOST: "127.0.0.1",
      ...env,
    },
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
