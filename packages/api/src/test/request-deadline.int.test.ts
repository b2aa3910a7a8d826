import { testDatabaseKind } from "@ociauth/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, overrideConfigForTesting } from "../core/config";
import { rawRequest } from "./raw-http";
import { startTestServer } from "../testing/test-server";

const DEADLINE_MS = 800;
const onPostgres = testDatabaseKind() === "postgres";

/**
 * A request that cannot finish (a table it needs is locked by the test) is answered 503 at
 * REQUEST_TIMEOUT_MS, its statement is cancelled on PostgreSQL, and nothing after it runs.
 */
describe("the request deadline", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let adminToken: string;
  let orgId: string;
  const configured = getConfig().REQUEST_TIMEOUT_MS;

  beforeAll(async () => {
    server = await startTestServer();
    const boot = await rawRequest(server.url, {
      method: "POST",
      path: "/api/v1/admin/bootstrap",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "late@example.com", password: "a-long-password!", organization: "Late" }),
    });
    adminToken = boot.json().identity.credentials.token;
    orgId = boot.json().organization.id;
    overrideConfigForTesting({ REQUEST_TIMEOUT_MS: DEADLINE_MS });
  });
  afterAll(async () => {
    overrideConfigForTesting({ REQUEST_TIMEOUT_MS: configured });
    await server.close();
  });

  /** Holds every table the request needs until `release` is called: PostgreSQL's lock, or PGlite's one transaction. */
  async function holdIdentitiesTable(): Promise<{ release(): Promise<void>; watcher?: pg.Client }> {
    if (onPostgres) {
      const connect = async () => {
        const client = new pg.Client({ connectionString: (server.database.target as { url: string }).url });
        await client.connect();
        return client;
      };
      const [locker, watcher] = [await connect(), await connect()];
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE identities IN ACCESS EXCLUSIVE MODE");
      const release = async () => {
        await locker.query("ROLLBACK");
        await Promise.all([locker.end(), watcher.end()]);
      };
      return { watcher, release };
    }
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const open = new Promise<void>((resolve) => (started = resolve));
    const transaction = server.database.pglite!.transaction(async () => (started(), await held));
    await open;
    return { release: async () => (release(), await transaction) };
  }

  /**
   * Statements of this database waiting for a lock (PostgreSQL), seen from outside any transaction
   * (a transaction reads pg_stat_activity once and keeps that snapshot).
   */
  async function lockWaiters(watcher: pg.Client): Promise<number> {
    const { rows } = await watcher.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
    );
    return rows[0].n as number;
  }

  it("answers 503 with Retry-After at the deadline, cancels the statement on PostgreSQL and runs nothing after it", async () => {
    const hold = await holdIdentitiesTable();
    try {
      const started = performance.now();
      const answer = rawRequest(server.url, {
        method: "POST",
        path: "/api/v1/identities",
        headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ name: "too-late", organizationId: orgId, role: "member" }),
      });
      if (hold.watcher) {
        await expect.poll(() => lockWaiters(hold.watcher!), { timeout: DEADLINE_MS - 100, interval: 20 }).toBeGreaterThan(0);
      }
      const res = await answer;
      const elapsed = performance.now() - started;
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ statusCode: 503, error: "ServiceUnavailable" });
      expect(res.json().message).toMatch(new RegExp(`did not finish within ${DEADLINE_MS} ms`));
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 10);
      expect(elapsed).toBeLessThan(DEADLINE_MS + 1500);
      // The statement no longer waits on PostgreSQL although the lock is still held.
      if (hold.watcher) await expect.poll(() => lockWaiters(hold.watcher!), { timeout: 1000, interval: 50 }).toBe(0);
    } finally {
      await hold.release();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await server.database.prisma.identity.count({ where: { name: "too-late" } })).toBe(0);

    // The server and its connections are in order for the next request.
    const list = await rawRequest(server.url, {
      path: `/api/v1/identities?organizationId=${orgId}`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(list.status).toBe(200);
  });

  it("answers 503 over tRPC too", async () => {
    const hold = await holdIdentitiesTable();
    try {
      const input = encodeURIComponent(JSON.stringify({ organizationId: orgId }));
      const res = await rawRequest(server.url, {
        path: `/api/trpc/identities.list?input=${input}`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ statusCode: 503, error: "ServiceUnavailable" });
      expect(res.headers["retry-after"]).toBeDefined();
      if (hold.watcher) await expect.poll(() => lockWaiters(hold.watcher!), { timeout: 1000, interval: 50 }).toBe(0);
    } finally {
      await hold.release();
    }
  });
});
