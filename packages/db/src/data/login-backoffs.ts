import type { DbClient, DbTransaction } from "../client";

export type LoginClaim = { allowed: true; failures: number } | { allowed: false; retryAt: Date };

/**
 * Claims one password-login attempt for `key`, atomically across app instances (the row is
 * locked): refused with the time it may start while the account's delay runs; otherwise counted
 * as a failure in advance (a successful login clears the row) and the next attempt is held back
 * by `delaySeconds(failures)`. Counting restarts when the last attempt is older than
 * `forgetAfterSeconds`.
 */
export async function claimLoginAttempt(
  tx: DbTransaction,
  key: string,
  delaySeconds: (failures: number) => number,
  forgetAfterSeconds: number,
): Promise<LoginClaim> {
  await tx.$executeRaw`
    INSERT INTO login_backoffs (key, failures, "nextAttemptAt", "lastAttemptAt") VALUES (${key}, 0, now(), now())
    ON CONFLICT (key) DO NOTHING`;
  const [row] = await tx.$queryRaw<{ failures: number; waitSeconds: number; forget: boolean }[]>`
    SELECT failures,
           EXTRACT(EPOCH FROM ("nextAttemptAt" - now()))::float8 AS "waitSeconds",
           "lastAttemptAt" <= now() - ${forgetAfterSeconds}::int * interval '1 second' AS forget
    FROM login_backoffs WHERE key = ${key} FOR UPDATE`;
  if (!row) throw new Error("login_backoffs row vanished inside its transaction");
  if (Number(row.waitSeconds) > 0) return { allowed: false, retryAt: new Date(Date.now() + Number(row.waitSeconds) * 1000) };
  const failures = (row.forget ? 0 : Number(row.failures)) + 1;
  await tx.$executeRaw`
    UPDATE login_backoffs
    SET failures = ${failures}, "nextAttemptAt" = now() + ${delaySeconds(failures)}::float8 * interval '1 second', "lastAttemptAt" = now()
    WHERE key = ${key}`;
  return { allowed: true, failures };
}

/** Forgets `key`'s attempts (a successful login, an admin's unlock or password reset); true when there were any. */
export async function clearLoginBackoff(db: DbClient, key: string): Promise<boolean> {
  return (await db.$executeRaw`DELETE FROM login_backoffs WHERE key = ${key}`) > 0;
}

/** Drops rows whose last attempt is older than `olderThanSeconds` (called now and then, not per login). */
export async function pruneLoginBackoffs(db: DbClient, olderThanSeconds: number): Promise<void> {
  await db.$executeRaw`DELETE FROM login_backoffs WHERE "lastAttemptAt" < now() - ${olderThanSeconds}::int * interval '1 second'`;
}
