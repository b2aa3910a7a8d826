import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./client";
import { isDatabaseUnavailable } from "./data/errors";
import { runOutsideRequestScope, runWithStatementSignal, StatementCancelledError } from "./statement-scope";
import { createTestDatabase } from "./testing";

describe.each(["pglite", "postgres"] as const)("statements of a cancelled request on %s", (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(() => db.close());

  it("are refused once the request's signal aborts (Prisma, raw statements, transactions), and read as 503", async () => {
    const controller = new AbortController();
    const { prisma, execute } = db;
    await runWithStatementSignal(controller.signal, async () => {
      await expect(prisma.instanceSetting.count()).resolves.toBe(0);
      controller.abort();
      for (const attempt of [
        () => prisma.instanceSetting.create({ data: { key: "late", value: "1" } }),
        () => execute("INSERT INTO instance_settings (key, value) VALUES ('late', '1')", []),
        () => prisma.$transaction(async (tx) => tx.instanceSetting.create({ data: { key: "late", value: "1" } })),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(isDatabaseUnavailable(error)).toBe(true);
      }
    });
    // Work shared by requests is outside their scope; other statements run as before.
    expect(await runWithStatementSignal(controller.signal, () => runOutsideRequestScope(() => prisma.instanceSetting.count()))).toBe(0);
    expect(await prisma.instanceSetting.count()).toBe(0);
    expect(new StatementCancelledError().code).toBe("57014");
  });

  it.runIf(kind === "postgres")("is cancelled on PostgreSQL while it runs, and its connection serves the next statement", async () => {
    const controller = new AbortController();
    const started = performance.now();
    // Prisma sends a query when it is awaited: inside the scope here.
    const sleeping = runWithStatementSignal(controller.signal, async () => await db.prisma.$queryRawUnsafe("SELECT pg_sleep(30)"));
    setTimeout(() => controller.abort(), 300);
    const error = await sleeping.catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(isDatabaseUnavailable(error)).toBe(true);
    const activity = await db.execute<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()",
      [],
    );
    expect(activity[0]!.n).toBe(0);
    const pool = db.pool!;
    const all = await Promise.all(
      Array.from({ length: pool.totalCount + 2 }, () => db.prisma.$queryRawUnsafe<{ one: number }[]>("SELECT 1 AS one")),
    );
    expect(all.every((rows) => rows[0]!.one === 1)).toBe(true);
  });
});
