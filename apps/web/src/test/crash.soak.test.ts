import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startPostgresServer } from "@ociauth/db/testing";
import { afterAll, describe, expect, it } from "vitest";

const appDir = path.resolve(import.meta.dirname, "../..");
/** How long writes stream before the kill; longer in `pnpm test:soak`. */
const WRITE_MS = Number(process.env.CRASH_WRITE_MS) || 2500;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function start(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn("pnpm", ["start"], {
    cwd: appDir,
    env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: "", AUTH_SECRET: "crash-test-secret-with-32-characters!!", RATE_LIMIT: "off", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (!(await fetch(`${url}/api/v1/identities`).then(() => true, () => false))) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`server did not answer:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, output: () => output };
}

/** kill -9 of the whole process tree (pnpm, the launcher and the server): no shutdown code runs. */
function killHard(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    process.kill(-child.pid!, "SIGKILL");
  });
}

async function stopGracefully(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      resolve();
    }
  });
}

/** Streams identity creations (4 in flight) until killed; returns the ids the server acknowledged. */
async function writeUntilKilled(url: string, token: string, orgId: string, child: ChildProcess) {
  const acknowledged: string[] = [];
  let stop = false;
  const writer = async (n: number) => {
    for (let i = 0; !stop; i++) {
      try {
        const res = await fetch(`${url}/api/v1/identities`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ name: `w${n}-${i}`, organizationId: orgId, role: "viewer" }),
        });
        if (res.status === 200) acknowledged.push((await res.json()).identity.id);
      } catch {
        return; // the server is gone
      }
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  await new Promise((r) => setTimeout(r, WRITE_MS));
  await killHard(child);
  stop = true;
  await Promise.all(writers);
  return acknowledged;
}

describe.each(["pglite", "postgres"] as const)("kill -9 during acknowledged writes (%s)", (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("keeps every acknowledged write and reopens cleanly", async () => {
    let env: Record<string, string>;
    if (kind === "pglite") {
      const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-crash-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      env = { PGLITE_DIR: path.join(dir, "data") };
    } else {
      const server = await startPostgresServer();
      cleanups.push(() => server.stop());
      env = { DATABASE_URL: await server.createDatabase("crash") };
    }
    const first = await start(env);
    cleanups.push(() => stopGracefully(first.child));
    const boot = await (
      await fetch(`${first.url}/api/v1/admin/bootstrap`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "crash@example.com", password: "a-long-password!", organization: "Crash" }),
      })
    ).json();
    const token: string = boot.identity.credentials.token;
    const acknowledged = await writeUntilKilled(first.url, token, boot.organization.id, first.child);
    expect(acknowledged.length).toBeGreaterThan(5);

    const second = await start(env);
    cleanups.push(() => stopGracefully(second.child));
    const listed = new Set<string>();
    for (let offset = 0; ; offset += 100) {
      const page = await (await fetch(`${second.url}/api/v1/identities?limit=100&offset=${offset}`, { headers: { authorization: `Bearer ${token}` } })).json();
      for (const identity of page.identities) listed.add(identity.id);
      if (page.identities.length < 100) break;
    }
    const missing = acknowledged.filter((id) => !listed.has(id));
    expect(missing, `${missing.length} of ${acknowledged.length} acknowledged writes lost`).toEqual([]);
    // And it keeps working after the restart.
    const write = await fetch(`${second.url}/api/v1/identities`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: "after-restart", organizationId: boot.organization.id, role: "viewer" }),
    });
    expect(write.status).toBe(200);
  }, 240_000);
});
