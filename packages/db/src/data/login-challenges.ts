import type { DbClient } from "../client";

/** Stores a new challenge (its hash) for the identity. */
export async function insertLoginChallenge(db: DbClient, challengeHash: string, identityId: string, expiresAt: Date): Promise<void> {
  await db.$executeRaw`
    INSERT INTO oci_login_challenges ("challengeHash", "identityId", "expiresAt") VALUES (${challengeHash}, ${identityId}::uuid, ${expiresAt})`;
}

export type ChallengeConsumption = { ok: true } | { ok: false; problem: "unknown" | "expired" | "reused" | "other_identity" };

/**
 * Consumes the challenge for `identityId`, atomically (one UPDATE: of two instances racing for
 * it, exactly one wins). When it cannot be consumed, says why; a challenge of another identity
 * stays unconsumed for its own workload.
 */
export async function consumeLoginChallenge(
  db: DbClient,
  challengeHash: string,
  identityId: string,
  now: Date,
): Promise<ChallengeConsumption> {
  const consumed = await db.$queryRaw<{ challengeHash: string }[]>`
    UPDATE oci_login_challenges SET "consumedAt" = ${now}
     WHERE "challengeHash" = ${challengeHash} AND "identityId" = ${identityId}::uuid AND "consumedAt" IS NULL AND "expiresAt" > ${now}
    RETURNING "challengeHash"`;
  if (consumed.length === 1) return { ok: true };
  const rows = await db.$queryRaw<{ identityId: string; expiresAt: Date | string; consumedAt: Date | string | null }[]>`
    SELECT "identityId", "expiresAt", "consumedAt" FROM oci_login_challenges WHERE "challengeHash" = ${challengeHash}`;
  const row = rows[0];
  if (!row) return { ok: false, problem: "unknown" };
  if (row.identityId !== identityId) return { ok: false, problem: "other_identity" };
  if (row.consumedAt !== null) return { ok: false, problem: "reused" };
  return { ok: false, problem: "expired" };
}

/** Gives back a challenge OCI never judged (unreachable, throttled), so the workload may send the same login again. */
export async function releaseLoginChallenge(db: DbClient, challengeHash: string): Promise<void> {
  await db.$executeRaw`UPDATE oci_login_challenges SET "consumedAt" = NULL WHERE "challengeHash" = ${challengeHash}`;
}

/** Drops challenges that expired before `before` (called now and then, not per login). */
export async function pruneLoginChallenges(db: DbClient, before: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM oci_login_challenges WHERE "expiresAt" < ${before}`;
}
