import type { StatementRunner } from "../client";

// The user-key login's hot path: single statements on the driver (`Database.execute`), not Prisma.

/**
 * Remembers that the OCI signature with this hash is being used to log in, atomically (one
 * statement, across app instances). False when it was already remembered: a replay.
 */
export async function rememberLoginSignature(sql: StatementRunner, signatureHash: string, forgetAfter: Date): Promise<boolean> {
  const rows = await sql(
    `INSERT INTO oci_login_signatures ("signatureHash", "forgetAfter") VALUES ($1, $2)
     ON CONFLICT ("signatureHash") DO NOTHING
     RETURNING 1`,
    [signatureHash, forgetAfter],
  );
  return rows.length === 1;
}

/** Forgets a signature OCI never judged (unreachable, throttled), so the same headers may be sent again. */
export async function forgetLoginSignature(sql: StatementRunner, signatureHash: string): Promise<void> {
  await sql(`DELETE FROM oci_login_signatures WHERE "signatureHash" = $1`, [signatureHash]);
}

/** Drops signatures whose date is outside the accepted window by `now` (called now and then, not per login). */
export async function pruneLoginSignatures(sql: StatementRunner, now: Date): Promise<number> {
  const [deleted] = await sql<{ n: number }>(
    `WITH gone AS (DELETE FROM oci_login_signatures WHERE "forgetAfter" < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    [now],
  );
  return deleted?.n ?? 0;
}
