import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "@ociauth/db/testing";

/** apps/web */
export const appDir = path.resolve(import.meta.dirname, "../..");

/** The root secret of tests on PostgreSQL, where AUTH_SECRET is required. */
export const E2E_AUTH_SECRET = "e2e-root-secret-with-at-least-32-characters";

/** A new PGlite data folder (PGlite creates only the last path segment) and how to remove it. */
export function tempDataDir(): { dir: string; remove: () => void } {
  const parent = mkdtempSync(path.join(os.tmpdir(), "ociauth-e2e-"));
  return { dir: path.join(parent, "data"), remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * `pnpm start` as a user runs it (build made beforehand by the test task), until it answers; on
 * `port` when given (an instance restarted where a proxy expects it).
 */
export async function startApp(env: Record<string, string>, options: { port?: number } = {}) {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("pnpm", ["start"], {
    cwd: appDir,
    // Principal logins are signed for the URL the test reaches the app at, unless `env` says otherwise.
    env: {
      ...process.env,
      DATABASE_URL: "",
      PGLITE_DIR: "",
      AUTH_SECRET: "",
      PUBLIC_URL: url,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pnpm start exited early:\n${output}`);
    const ok = await fetch(`${url}/api/v1/identities`).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`pnpm start did not answer:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, port, child, output: () => output };
}

/** Stops `pnpm start` and everything it started (its process group). */
export function stop(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      resolve(); // already gone
    }
  });
}
