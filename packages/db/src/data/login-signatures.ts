import type { StatementRunner } from "../client";

// The user-key login's hot path: single statements on the driver (`Database.execute`), not Prisma.

/** A signature's use: its first (`first`), again within the grace (`again`), or a replay. */
export type SignatureUse = "first" | "again" | "replayed";

/**
 * Remembers that the OCI signature with this hash is being used to log in by `ip`, atomically
 * (one statement, across app instances; concurrent callers serialise on the row). It is `first`
 * when new; `again` when it was first used by the same known `ip` at most `graceMs` ago by the
 * database's clock; otherwise `replayed`.
 */
export async function rememberLoginSignature(
  sql: StatementRunner,
  signatureHash: string,
  forgetAfter: Date,
  ip: string | null,
  graceMs: number,
): Promise<SignatureUse> {
  const rows = await sql<{ inserted: boolean }>(
    `INSERT INTO oci_login_signatures ("signatureHash", "forgetAfter", "firstIp") VALUES ($1, $2, $3)
     ON CONFLICT ("signatureHash") DO UPDATE SET "reuses" = oci_login_signatures."reuses" + 1
       WHERE oci_login_signatures."firstIp" = EXCLUDED."firstIp"
         AND oci_login_signatures."createdAt" >= now() - $4::int * interval '1 millisecond'
     RETURNING (xmax = 0) AS inserted`,
    [signatureHash, forgetAfter, ip, graceMs],
  );
  const [row] = rows;
  if (!row) return "replayed";
  return row.inserted ? "first" : "again";
}

/**
 * Forgets a signature whose first use OCI never judged (unreachable, throttled), so the same
 * headers may be sent again; kept when another login already used it again within the grace.
 */
export async function forgetLoginSignature(sql: StatementRunner, signatureHash: string): Promise<void> {
  await sql(`DELETE FROM oci_login_signatures WHERE "signatureHash" = $1 AND "reuses" = 0`, [signatureHash]);
}

/** Drops signatures whose date is outside the accepted window by `now` (called now and then, not per login). */
export async function pruneLoginSignatures(sql: StatementRunner, now: Date): Promise<number> {
  const [deleted] = await sql<{ n: number }>(
    `WITH gone AS (DELETE FROM oci_login_signatures WHERE "forgetAfter" < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    [now],
  );
  return deleted?.n ?? 0;
}
