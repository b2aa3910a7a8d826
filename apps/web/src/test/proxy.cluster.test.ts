import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, msUntilRefused, startCluster } from "./cluster";

const LOGIN_PER_IP = 5;
/** The documented bound: a revocation holds on every instance within 1 second. */
const REVOCATION_BOUND_MS = 1000;

let nextAddress = 0;
/**
 * A client address of its own for each call (TEST-NET-2), sent as X-Forwarded-For by the test
 * client, which the instances trust as a proxy hop like nginx: logins made by one part of this
 * test never spend another part's per-IP login budget.
 */
const fresh = () => ({ "x-forwarded-for": `198.51.100.${(nextAddress++ % 250) + 1}` });

/**
 * The deployment's topology with real parts: nginx (deploy/nginx/nginx.conf) in front of three
 * `pnpm start` instances on one PostgreSQL, TRUSTED_PROXIES=127.0.0.1, rate limits on. Everything
 * goes through nginx, except where an instance is asked directly to show it agrees.
 */
describe("nginx in front of three instances", () => {
  let cluster: Cluster;
  const instances = [0, 1, 2];

  beforeAll(async () => {
    cluster = await startCluster({
      instances: 3,
      proxy: true,
      env: {
        TRUSTED_PROXIES: "127.0.0.1",
        RATE_LIMIT: "on",
        RATE_LIMIT_LOGIN_PER_IP: String(LOGIN_PER_IP),
        RATE_LIMIT_WINDOW_SECONDS: "86400",
      },
    });
  }, 240_000);
  afterAll(async () => {
    await cluster?.close();
  });

  /** Creates a member identity, attaches OCI auth with `config` and logs in: all through nginx. */
  async function identityThroughProxy(config: Record<string, unknown> = {}) {
    const created = await cluster.api("proxy", "POST", "/api/v1/identities", {
      token: cluster.adminToken,
      headers: fresh(),
      body: { name: `p-${Math.random().toString(36).slice(2, 8)}`, organizationId: cluster.orgId, role: "member" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const identityId: string = created.body.identity.id;
    const attached = await cluster.api("proxy", "POST", `/api/v1/auth/oci-auth/identities/${identityId}`, {
      token: cluster.adminToken,
      headers: fresh(),
      body: { tenancyOcid: "ocid1.tenancy.oc1..aaaaaaaacluster", ...config },
    });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    const loggedIn = await cluster.login("proxy", identityId, fresh());
    expect(loggedIn.status, JSON.stringify(loggedIn.body)).toBe(200);
    return { identityId, token: loggedIn.body.accessToken as string };
  }

  const read = (target: number | "proxy", identityId: string, token: string, headers: Record<string, string> = fresh()) =>
    cluster.api(target, "GET", `/api/v1/identities/${identityId}`, { token, headers }).then((r) => r.status);

  it("bootstraps, creates an identity, attaches OCI auth and logs in through nginx; requests are spread over every instance", async () => {
    const { identityId, token } = await identityThroughProxy();
    for (let i = 0; i < 6; i++) expect(await read("proxy", identityId, token)).toBe(200);
    const log = cluster.proxy!.accessLog();
    expect(log).toMatch(/"POST \/api\/v1\/admin\/bootstrap HTTP\/1.1" 200/);
    // Round robin: every instance served some of the reads.
    const servedBy = new Set([...log.matchAll(/"GET \/api\/v1\/identities\/\S+ HTTP\/1.1" 200 upstream=(\S+)/g)].map((m) => m[1]));
    expect([...servedBy].sort()).toEqual(cluster.apps.map((app) => new URL(app.url).host).sort());
  });

  it("uses the real client address from X-Forwarded-For: a token limited to 203.0.113.7/32 works from there only", async () => {
    const { identityId, token } = await identityThroughProxy({ accessTokenTrustedIps: [{ ipAddress: "203.0.113.7/32" }] });
    for (let i = 0; i < 3; i++) expect(await read("proxy", identityId, token, { "x-forwarded-for": "203.0.113.7" })).toBe(200);
    for (let i = 0; i < 3; i++) expect(await read("proxy", identityId, token, { "x-forwarded-for": "203.0.113.8" })).toBe(403);
    // Straight to an instance (no proxy hop), the caller is 127.0.0.1: refused too.
    for (const i of instances) expect(await read(i, identityId, token, {})).toBe(403);
  });

  it("a token revoked through nginx is refused through nginx and by every instance", async () => {
    const { identityId, token } = await identityThroughProxy();
    for (const i of instances) expect(await read(i, identityId, token)).toBe(200); // cached on each
    const revoked = await cluster.api("proxy", "POST", "/api/v1/auth/token/revoke", { body: { accessToken: token }, headers: fresh() });
    expect(revoked.status).toBe(200);
    for (const i of instances) await msUntilRefused(() => read(i, identityId, token), [401], REVOCATION_BOUND_MS);
    for (let i = 0; i < 6; i++) expect(await read("proxy", identityId, token)).toBe(401);
  });

  it("a uses limit holds across instances: exactly N uses succeed through round robin", async () => {
    const limit = 7;
    const { identityId, token } = await identityThroughProxy({ accessTokenNumUsesLimit: limit });
    const statuses: number[] = [];
    // Concurrent bursts, so instances race for the last uses.
    for (let round = 0; round < 3; round++)
      statuses.push(...(await Promise.all(Array.from({ length: 6 }, () => read("proxy", identityId, token)))));
    expect(statuses.filter((s) => s === 200).length).toBe(limit);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 401)).toBe(true);
    for (const i of instances) expect(await read(i, identityId, token)).toBe(401);
  });

  it("the login rate limit per IP holds globally, not per instance", async () => {
    const { identityId } = await identityThroughProxy();
    const from = { "x-forwarded-for": "203.0.113.50" };
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_PER_IP * 3; i++) statuses.push((await cluster.login("proxy", identityId, from)).status);
    // Per instance it would be LOGIN_PER_IP each (3 × as many); globally the first LOGIN_PER_IP only.
    expect(statuses.slice(0, LOGIN_PER_IP)).toEqual(Array(LOGIN_PER_IP).fill(200));
    expect(statuses.slice(LOGIN_PER_IP)).toEqual(Array(LOGIN_PER_IP * 2).fill(429));
    // Another address still logs in.
    expect((await cluster.login("proxy", identityId, { "x-forwarded-for": "203.0.113.51" })).status).toBe(200);
  });

  it("an instance killed mid-run: reads are retried on the others and no acknowledged write is lost", async () => {
    const { identityId, token } = await identityThroughProxy();
    const acknowledged: string[] = [];
    const writeStatuses: number[] = [];
    const readStatuses: number[] = [];
    let running = true;

    async function writer(n: number) {
      for (let i = 0; running; i++) {
        const name = `kill-${n}-${i}-${Math.random().toString(36).slice(2, 6)}`;
        const res = await cluster.api("proxy", "POST", "/api/v1/identities", {
          token: cluster.adminToken,
          headers: fresh(),
          body: { name, organizationId: cluster.orgId, role: "no-access" },
        });
        writeStatuses.push(res.status);
        if (res.status >= 200 && res.status < 300) acknowledged.push(res.body.identity.id);
      }
    }
    async function reader() {
      while (running) readStatuses.push(await read("proxy", identityId, token));
    }

    const workers = [writer(0), writer(1), writer(2), writer(3), reader(), reader()];
    await new Promise((r) => setTimeout(r, 1500));
    const before = writeStatuses.length;
    await cluster.kill(1);
    await new Promise((r) => setTimeout(r, 2500));
    running = false;
    await Promise.all(workers);

    const after = writeStatuses.length - before;
    console.log(
      `writes: ${writeStatuses.length} (${acknowledged.length} acknowledged, ${after} after the kill); statuses:`,
      JSON.stringify(count(writeStatuses)),
      "reads:",
      JSON.stringify(count(readStatuses)),
    );
    expect(after).toBeGreaterThan(20); // writes went on through the two others
    // Idempotent reads are retried on another instance: every one answered 200.
    expect(count(readStatuses)).toEqual({ 200: readStatuses.length });
    // A POST already sent to the killed instance is not sent twice: 502 is the only other answer.
    expect(writeStatuses.every((s) => s === 200 || s === 502)).toBe(true);
    // nginx noticed the killed instance: a request that reached it was passed on to another (two
    // upstreams logged), or a write already sent to it was answered 502; either marks it down for
    // fail_timeout, so which of the two happens depends on what was in flight at the kill.
    expect(cluster.proxy!.accessLog()).toMatch(/upstream=\S+, \S+|" 502 upstream=/);
    const stored = await cluster.sql<{ id: string }>("SELECT id FROM identities WHERE id = ANY($1)", [acknowledged]);
    expect(stored.length).toBe(acknowledged.length);
    // And no write was done twice (each had a name of its own).
    const twice = await cluster.sql("SELECT name FROM identities WHERE name LIKE 'kill-%' GROUP BY name HAVING count(*) > 1");
    expect(twice).toEqual([]);
    const written = await cluster.sql<{ n: number }>("SELECT count(*)::int AS n FROM identities WHERE name LIKE 'kill-%'");
    expect(written[0]!.n).toBeGreaterThanOrEqual(acknowledged.length);
    expect(written[0]!.n).toBeLessThanOrEqual(writeStatuses.length);
  });
});

function count(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}
