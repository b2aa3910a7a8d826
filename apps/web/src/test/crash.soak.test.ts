import type { ChildProcess } from "node:child_process";
import { startPostgresServer } from "@ociauth/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { startApp, stop, tempDataDir } from "./run-app";

/** How long writes stream before the kill; longer in `pnpm test:soak`. */
const WRITE_MS = Number(process.env.CRASH_WRITE_MS) || 2500;

const start = (env: Record<string, string>) =>
  startApp({ AUTH_SECRET: "crash-test-secret-with-32-characters!!", RATE_LIMIT: "off", ...env });

/** kill -9 of the whole process tree (pnpm, the launcher and the server): no shutdown code runs. */
function killHard(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    process.kill(-child.pid!, "SIGKILL");
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
      const data = tempDataDir();
      cleanups.push(data.remove);
      env = { PGLITE_DIR: data.dir };
    } else {
      const server = await startPostgresServer();
      cleanups.push(() => server.stop());
      env = { DATABASE_URL: await server.createDatabase("crash") };
    }
    const first = await start(env);
    cleanups.push(() => stop(first.child));
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
    cleanups.push(() => stop(second.child));
    const listed = new Set<string>();
    for (let offset = 0; ; offset += 100) {
      const page = await (
        await fetch(`${second.url}/api/v1/identities?limit=100&offset=${offset}`, { headers: { authorization: `Bearer ${token}` } })
      ).json();
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
