import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./client";
import { setQueryTracer } from "./query-tracer";
import { createTestDatabase } from "./testing";

describe.each(["pglite", "postgres"] as const)("the query tracer on %s", (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterEach(() => setQueryTracer(undefined));
  afterAll(() => db.close());

  it("sees every statement (Prisma, its transactions, execute) exactly once, with its outcome; unset, none", async () => {
    const seen: { sql: string; ok: boolean }[] = [];
    setQueryTracer(async (sql, run) => {
      try {
        const result = await run();
        seen.push({ sql, ok: true });
        return result;
      } catch (error) {
        seen.push({ sql, ok: false });
        throw error;
      }
    });
    await db.prisma.instanceSetting.count();
    await db.prisma.$transaction(async (tx) => tx.instanceSetting.create({ data: { key: "traced", value: "1" } }));
    expect(await db.execute<{ n: number }>("SELECT count(*)::int AS n FROM instance_settings WHERE key = $1", ["traced"])).toEqual([
      { n: 1 },
    ]);
    await expect(db.execute("INSERT INTO instance_settings (key, value) VALUES ($1, $2)", ["traced", "2"])).rejects.toThrow();
    const statements = seen.map((s) => s.sql);
    expect(statements.filter((sql) => /^\s*SELECT\s+COUNT/i.test(sql))).toHaveLength(2);
    expect(
      statements.filter(
        (sql) => /^\s*INSERT INTO "?public"?\."?instance_settings/i.test(sql) || /^\s*INSERT INTO instance_settings/.test(sql),
      ),
    ).toHaveLength(2);
    expect(statements.some((sql) => /^\s*(BEGIN|COMMIT)/i.test(sql))).toBe(kind === "postgres");
    expect(seen.filter((s) => !s.ok).map((s) => s.sql)).toEqual(["INSERT INTO instance_settings (key, value) VALUES ($1, $2)"]);

    setQueryTracer(undefined);
    const before = seen.length;
    await db.prisma.instanceSetting.count();
    await db.execute("SELECT 1", []);
    expect(seen).toHaveLength(before);
  });
});
