import type { DbClient } from "../client";

/**
 * Counts one hit on `key` in a fixed window of `windowSeconds`, atomically (one statement), so
 * the limit holds across app instances sharing the database. Returns the count in the current
 * window and when the window ends.
 */
export async function hitRateLimit(db: DbClient, key: string, windowSeconds: number) {
  const rows = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO rate_limit_buckets (key, count, "windowStart") VALUES (${key}, 1, now())
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limit_buckets."windowStart" <= now() - ${windowSeconds}::int * interval '1 second'
                   THEN 1 ELSE rate_limit_buckets.count + 1 END,
      "windowStart" = CASE WHEN rate_limit_buckets."windowStart" <= now() - ${windowSeconds}::int * interval '1 second'
                   THEN now() ELSE rate_limit_buckets."windowStart" END
    RETURNING count, "windowStart"`;
  const row = rows[0]!;
  return { count: Number(row.count), resetAt: new Date(new Date(row.windowStart).getTime() + windowSeconds * 1000) };
}

/**
 * The count of `key` in its current window without counting a hit (0 when the window is over or
 * there is none), and when the window ends.
 */
export async function peekRateLimit(db: DbClient, key: string, windowSeconds: number) {
  const rows = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    SELECT count, "windowStart" FROM rate_limit_buckets
    WHERE key = ${key} AND "windowStart" > now() - ${windowSeconds}::int * interval '1 second'`;
  const row = rows[0];
  if (!row) return { count: 0, resetAt: null };
  return { count: Number(row.count), resetAt: new Date(new Date(row.windowStart).getTime() + windowSeconds * 1000) };
}

/** Drops buckets whose window ended long ago (called now and then, not per request). */
export async function pruneRateLimits(db: DbClient, olderThanSeconds: number) {
  await db.$executeRaw`DELETE FROM rate_limit_buckets WHERE "windowStart" < now() - ${olderThanSeconds}::int * interval '1 second'`;
}
