import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./client";
import { isUniqueViolation } from "./data/errors";
import { createTestDatabase } from "./testing";

// Each fix in adapter-fixes.ts is exercised here on the adapter it patches, so a Prisma upgrade
// that fixes (or changes) the upstream behaviour shows up as a failing test.
describe.each(["pglite", "postgres"] as const)("driver adapter on %s", (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(() => db.close());

  it('reads `name` and `"char"` columns (prisma/orm#27403)', async () => {
    const rows = await db.prisma.$queryRawUnsafe<{ n: string; c: string }[]>(`SELECT 'public'::name AS n, 'r'::"char" AS c`);
    expect(rows).toEqual([{ n: "public", c: "r" }]);
  });

  it("reports a duplicate key as a unique violation", async () => {
    await db.prisma.instanceSetting.create({ data: { key: "k", value: "1" } });
    const error = await db.prisma.instanceSetting.create({ data: { key: "k", value: "2" } }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error("other"))).toBe(false);
  });

  it("runs migration scripts whole: function bodies with ; inside $$ … $$", async () => {
    const adapter = await (await import("./adapter-fixes")).createAdapterForTest(db);
    await adapter.executeScript(`
      CREATE FUNCTION twice(x int) RETURNS int AS $$ BEGIN RETURN x * 2; END; $$ LANGUAGE plpgsql;
      CREATE TABLE semi (s text DEFAULT 'a;b');`);
    expect(await db.prisma.$queryRawUnsafe(`SELECT twice(21) AS v`)).toEqual([{ v: 42 }]);
  });

  it("rolls back an interactive transaction that throws", async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.instanceSetting.create({ data: { key: "tx", value: "1" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await db.prisma.instanceSetting.findUnique({ where: { key: "tx" } })).toBeNull();
  });
});

describe("pglite-prisma-adapter executeScript", () => {
  it("rejects when the script fails instead of leaving an unhandled rejection", async () => {
    const db = await createTestDatabase("pglite");
    const { createPgliteAdapterFactory } = await import("./adapter-fixes");
    const adapter = await createPgliteAdapterFactory(db.pglite!).connect();
    await expect(adapter.executeScript("SELECT 1; SELECT * FROM no_such_table;")).rejects.toThrow(/no_such_table/);
    await adapter.executeScript("CREATE TABLE script_ok (id int); INSERT INTO script_ok VALUES (1);");
    expect((await db.pglite!.query("SELECT count(*)::int AS n FROM script_ok")).rows).toEqual([{ n: 1 }]);
    await db.close();
  });
});
