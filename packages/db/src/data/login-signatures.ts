import type { DbClient } from "../client";

/**
 * Remembers that the OCI signature with this hash is being used to log in, atomically (one
 * statement, across app instances). False when it was already remembered: a replay.
 */
export async function rememberLoginSignature(db: DbClient, signatureHash: string, forgetAfter: Date): Promise<boolean> {
  const rows = await db.$queryRaw<{ signatureHash: string }[]>`
    INSERT INTO oci_login_signatures ("signatureHash", "forgetAfter") VALUES (${signatureHash}, ${forgetAfter})
    ON CONFLICT ("signatureHash") DO NOTHING
    RETURNING "signatureHash"`;
  return rows.length === 1;
}

/** Forgets a signature OCI never judged (unreachable, throttled), so the same headers may be sent again. */
export async function forgetLoginSignature(db: DbClient, signatureHash: string): Promise<void> {
  await db.$executeRaw`DELETE FROM oci_login_signatures WHERE "signatureHash" = ${signatureHash}`;
}

/** Drops signatures whose date is outside the accepted window by `now` (called now and then, not per login). */
export async function pruneLoginSignatures(db: DbClient, now: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM oci_login_signatures WHERE "forgetAfter" < ${now}`;
}
