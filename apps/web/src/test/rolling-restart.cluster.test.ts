import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, startCluster } from "./cluster";

/**
 * A rolling restart as a deployment does it: nginx (deploy/nginx/nginx.conf) in front of three
 * instances on one PostgreSQL, steady load through nginx (authenticated reads and OCI logins from
 * several clients at once), each instance in turn stopped with SIGTERM (it drains), waited for,
 * started again and waited for until ready and served by nginx again. No request may fail.
 */
describe("rolling restart behind nginx under steady load", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ instances: 3, proxy: true, users: 24 });
  }, 240_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it("restarts the three instances one after another: zero failed requests", async () => {
    const identities: string[] = [];
    for (let i = 0; i < 4; i++) identities.push(await cluster.identityWithOciAuth("proxy"));
    const tokens: { identityId: string; token: string }[] = [];
    for (const identityId of identities) {
      const login = await cluster.login("proxy", identityId);
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      tokens.push({ identityId, token: login.body.accessToken });
    }

    let running = true;
    const failures: string[] = [];
    const counts = { reads: 0, logins: 0 };
    async function attempt(what: string, call: () => Promise<{ status: number; body: unknown }>) {
      try {
        const res = await call();
        if (res.status !== 200) failures.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? "")}`);
      }
    }
    async function reader(n: number) {
      for (let i = n; running; i++) {
        const { identityId, token } = tokens[i % tokens.length]!;
        counts.reads++;
        await attempt("GET identity", () => cluster.api("proxy", "GET", `/api/v1/identities/${identityId}`, { token }));
      }
    }
    /** A POST: nginx never sends one twice, so a login cut by a stopping instance would fail here. */
    async function loginLoop(n: number) {
      for (let i = n; running; i++) {
        counts.logins++;
        await attempt("login", () => cluster.login("proxy", identities[i % identities.length]!));
      }
    }
    const traffic = [reader(0), reader(1), reader(2), reader(3), loginLoop(0), loginLoop(1), loginLoop(2)];

    const restarts: { instance: number; stopMs: number; drainMs: number; finished: number; readyMs: number }[] = [];
    try {
      for (const instance of [0, 1, 2]) {
        await new Promise((r) => setTimeout(r, 1500)); // the cluster under load as it is
        const { output, ms: stopMs } = await cluster.stopInstance(instance);
        const drained = /drain complete in (\d+) ms: (\d+) requests? finished during the drain/.exec(output);
        if (!drained) throw new Error(`instance ${instance} did not log its drain:\n${output}`);
        const startedAt = performance.now();
        const app = await cluster.startInstance(instance);
        for (;;) {
          if ((await fetch(`${app.url}/readyz`)).status === 200) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        const readyMs = performance.now() - startedAt;
        await cluster.servedThroughProxy(instance);
        restarts.push({
          instance,
          stopMs: Math.round(stopMs),
          drainMs: Number(drained[1]),
          finished: Number(drained[2]),
          readyMs: Math.round(readyMs),
        });
        expect(failures, `failed requests after restarting instance ${instance}`).toEqual([]);
      }
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      running = false;
      await Promise.all(traffic);
    }

    const total = counts.reads + counts.logins;
    console.log(
      `rolling restart: ${total} requests (${counts.reads} reads, ${counts.logins} logins), ${failures.length} failed; per restart:`,
      JSON.stringify(restarts),
    );
    expect(failures).toEqual([]);
    expect(counts.logins).toBeGreaterThan(20);
    expect(counts.reads).toBeGreaterThan(200);
    expect(restarts.map((r) => r.instance)).toEqual([0, 1, 2]);
    // nginx met refused connections (the listener closes at once) and passed those requests on.
    expect(cluster.proxy!.errorLog()).toMatch(/Connection refused/);
  }, 300_000);
});
