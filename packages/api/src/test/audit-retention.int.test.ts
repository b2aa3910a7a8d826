import pg from "pg";
import { testDatabaseKind } from "@ociauth/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "../core/config";
import { startRuntime } from "../core/runtime";
import { AuditRetention } from "../services/audit/audit-retention";
import { retentionCutoff } from "../services/audit/audit-retention-fns";
import { createTestApp, PASSWORD, type TestApp } from "./harness";

const onPostgres = testDatabaseKind() === "postgres";
/** PostgreSQL prunes a million events under load; PGlite (one process, in memory) a few thousand. */
const SEEDED = onPostgres ? 1_000_000 : 5_000;
const DAYS = 365;
const TWO_YEARS_SECONDS = 2 * 365 * 86_400;
const NOW = new Date();

/**
 * `count` events spread evenly over the two years before NOW, in one INSERT … SELECT: oldest first
 * with ids in the same order (so the indexes are appended to, the fast way to write a million rows).
 */
async function seed(app: TestApp, orgId: string, count: number, actorId = "seeded") {
  await app.database.execute(
    `INSERT INTO audit_events (id, "orgId", "eventType", "actorType", "actorId", "actorName", metadata, "ipAddress", "userAgent", "createdAt")
     SELECT (substr(md5($4), 1, 8) || lpad(to_hex(n), 24, '0'))::uuid, $1::uuid, 'oci-auth.login', 'identity', $4, 'seed', jsonb_build_object('n', n), '10.0.0.1', 'seed',
            $3::timestamptz - make_interval(secs => ($2::int - n + 1)::double precision * ${TWO_YEARS_SECONDS} / $2::int)
       FROM generate_series(1, $2::int) AS n`,
    [orgId, count, NOW, actorId],
  );
}

async function countWhere(app: TestApp, where: string, params: unknown[] = []) {
  const [row] = await app.database.execute<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE ${where}`, params);
  return row!.n;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

describe("audit retention prune", () => {
  let app: TestApp;
  let orgId: string;
  let email: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ orgId } = await app.bootstrap());
    email = "admin@example.com";
    // The audit devices' order column (the outbox's migration adds it; here only if it is missing).
    await app.database.execute(`ALTER TABLE audit_events ADD COLUMN IF NOT EXISTS seq BIGINT GENERATED ALWAYS AS IDENTITY`, []);
  }, 120_000);
  afterAll(() => app.close());

  it(`deletes the older of ${SEEDED.toLocaleString("en")} events in batches while logins and audit writes keep their pace`, async () => {
    const seedStart = performance.now();
    await seed(app, orgId, SEEDED);
    await app.database.execute("ANALYZE audit_events", []);
    const cutoff = retentionCutoff(NOW, DAYS);
    const older = await countWhere(app, `"createdAt" < $1 AND "actorId" = 'seeded'`, [cutoff]);
    const newer = await countWhere(app, `"createdAt" >= $1 AND "actorId" = 'seeded'`, [cutoff]);
    expect(older + newer).toBe(SEEDED);
    expect(older).toBeGreaterThan(SEEDED * 0.49);
    console.log(`seeded ${SEEDED} events in ${Math.round(performance.now() - seedStart)} ms (${older} older than ${cutoff.toISOString()})`);

    const retention = new AuditRetention(
      app.database,
      { days: DAYS, intervalMs: 3_600_000, batchSize: 2000, pauseMs: 20 },
      undefined,
      () => NOW,
    );
    const writeLatencies: number[] = [];
    const loginLatencies: number[] = [];
    let writes = 0;
    let logins = 0;
    let done = false;
    // Steady load: an audit event through the runtime's sink every 10 ms, a password login every 250 ms.
    const writer = (async () => {
      while (!done) {
        const started = performance.now();
        await app.rt.audit.record({
          orgId,
          eventType: "test.during-prune",
          actorType: "identity",
          actorId: "load",
          actorName: null,
          metadata: { i: writes },
          ipAddress: null,
          userAgent: null,
        });
        writeLatencies.push(performance.now() - started);
        writes++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const loginner = (async () => {
      while (!done) {
        const started = performance.now();
        const login = await app.rest("POST", "/api/v1/auth/login", { body: { email, password: PASSWORD } });
        expect(login.status).toBe(200);
        loginLatencies.push(performance.now() - started);
        logins++;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    const loginsBefore = await countWhere(app, `"eventType" = 'login-user'`);
    // The load runs alone for a moment, then through the whole prune, and at least 2 s in all.
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await sleep(300);
    const run = await Promise.all([retention.run(), sleep(1700)])
      .then(([r]) => r)
      .finally(() => (done = true));
    await Promise.all([writer, loginner]);

    expect(run).toMatchObject({ ran: true, deleted: older });
    expect(await countWhere(app, `"createdAt" < $1`, [cutoff])).toBe(0);
    expect(await countWhere(app, `"actorId" = 'seeded'`)).toBe(newer);
    expect(await countWhere(app, `"eventType" = 'test.during-prune'`)).toBe(writes);
    expect(await countWhere(app, `"eventType" = 'login-user'`)).toBe(loginsBefore + logins);

    const w = writeLatencies.sort((a, b) => a - b);
    const l = loginLatencies.sort((a, b) => a - b);
    console.log(
      `pruned ${run.deleted} events in ${run.durationMs} ms (${Math.round(run.deleted / (run.durationMs / 1000))}/s); ` +
        `${writes} audit writes p50 ${quantile(w, 0.5).toFixed(1)} ms p99 ${quantile(w, 0.99).toFixed(1)} ms max ${w.at(-1)!.toFixed(1)} ms; ` +
        `${logins} logins p50 ${quantile(l, 0.5).toFixed(1)} ms p99 ${quantile(l, 0.99).toFixed(1)} ms max ${l.at(-1)!.toFixed(1)} ms`,
    );
    expect(writes).toBeGreaterThan(10);
    expect(logins).toBeGreaterThanOrEqual(2);
    expect(quantile(w, 0.99)).toBeLessThan(500);
    // A password login is mostly scrypt (CPU, 0.2–0.6 s on a loaded machine): its bound is looser.
    expect(quantile(l, 0.99)).toBeLessThan(2500);

    // Nothing left to delete: the next run deletes nothing.
    expect(await retention.run()).toMatchObject({ ran: true, deleted: 0 });
  }, 300_000);

  it("stops at the audit devices' delivery floor and catches up once they deliver", async () => {
    await seed(app, orgId, 1000, "floor");
    const cutoff = retentionCutoff(NOW, DAYS);
    const oldSeqs = await app.database.execute<{ seq: string }>(
      `SELECT seq::text FROM audit_events WHERE "actorId" = 'floor' AND "createdAt" < $1 ORDER BY seq`,
      [cutoff],
    );
    expect(oldSeqs.length).toBeGreaterThan(400);
    // A device has delivered the first 100 of the old events (and every event before them).
    let floor: bigint | null = BigInt(oldSeqs[100]!.seq);
    const retention = new AuditRetention(
      app.database,
      { days: DAYS, intervalMs: 3_600_000, batchSize: 100, pauseMs: 0 },
      async () => floor,
      () => NOW,
    );
    expect(await retention.run()).toMatchObject({ ran: true, deleted: 100 });
    expect(await countWhere(app, `"createdAt" < $1 AND seq < $2`, [cutoff, floor.toString()])).toBe(0);
    expect(await countWhere(app, `"createdAt" < $1`, [cutoff])).toBe(oldSeqs.length - 100);
    expect(await countWhere(app, `"createdAt" < $1 AND seq = $2`, [cutoff, floor.toString()])).toBe(1);

    floor = BigInt(oldSeqs.at(-1)!.seq) + 1n;
    expect(await retention.run()).toMatchObject({ deleted: oldSeqs.length - 100 });
    expect(await countWhere(app, `"createdAt" < $1`, [cutoff])).toBe(0);
    expect(await countWhere(app, `"actorId" = 'floor'`)).toBe(1000 - oldSeqs.length);

    // No device configured: nothing holds the prune back.
    await seed(app, orgId, 10, "nodevice");
    floor = null;
    expect(await retention.run()).toMatchObject({ deleted: 5 });
  });

  if (onPostgres) {
    it("prunes on one instance at a time: another holding the lock makes this one skip the run", async () => {
      await seed(app, orgId, 10, "locked");
      const holder = new pg.Client({ connectionString: (app.database.target as { url: string }).url });
      await holder.connect();
      try {
        await holder.query("SELECT pg_advisory_lock(hashtext('ociauth.audit-retention'))");
        const retention = new AuditRetention(
          app.database,
          { days: DAYS, intervalMs: 3_600_000, batchSize: 100, pauseMs: 0 },
          undefined,
          () => NOW,
        );
        expect(await retention.run()).toMatchObject({ ran: false, deleted: 0 });
        expect(await countWhere(app, `"actorId" = 'locked' AND "createdAt" < $1`, [retentionCutoff(NOW, DAYS)])).toBe(5);
        await holder.query("SELECT pg_advisory_unlock(hashtext('ociauth.audit-retention'))");
        expect(await retention.run()).toMatchObject({ ran: true, deleted: 5 });
      } finally {
        await holder.end();
      }
    });
  }

  it("runs at start-up of a runtime with AUDIT_RETENTION_DAYS set, and stops with its close()", async () => {
    // 9 events 81 days apart: none on the cutoff, which moves with the runtime's clock.
    await seed(app, orgId, 9, "startup");
    const runtime = await startRuntime(app.database, { ...getConfig(), AUDIT_RETENTION_DAYS: DAYS });
    try {
      await expect.poll(() => countWhere(app, `"actorId" = 'startup'`)).toBe(4);
    } finally {
      await runtime.close();
    }
  });
});
