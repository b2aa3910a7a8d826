import type { StatementRunner } from "../client";

// The principal login's hot path: single statements on the driver (`Database.execute`), not Prisma.

/** Stores a new challenge (its hash) for the identity. */
export async function insertLoginChallenge(
  sql: StatementRunner,
  challengeHash: string,
  identityId: string,
  expiresAt: Date,
): Promise<void> {
  await sql(`INSERT INTO oci_login_challenges ("challengeHash", "identityId", "expiresAt") VALUES ($1, $2::uuid, $3)`, [
    challengeHash,
    identityId,
    expiresAt,
  ]);
}

export type ChallengeConsumption = { ok: true } | { ok: false; problem: "unknown" | "expired" | "reused" | "other_identity" };

/**
 * Consumes the challenge for `identityId`, atomically (one UPDATE: of two instances racing for
 * it, exactly one wins). When it cannot be consumed, says why; a challenge of another identity
 * stays unconsumed for its own workload.
 */
export async function consumeLoginChallenge(
  sql: StatementRunner,
  challengeHash: string,
  identityId: string,
  now: Date,
): Promise<ChallengeConsumption> {
  const consumed = await sql(
    `UPDATE oci_login_challenges SET "consumedAt" = $3
      WHERE "challengeHash" = $1 AND "identityId" = $2::uuid AND "consumedAt" IS NULL AND "expiresAt" > $3
     RETURNING 1`,
    [challengeHash, identityId, now],
  );
  if (consumed.length === 1) return { ok: true };
  const [row] = await sql<{ identityId: string; consumed: boolean }>(
    `SELECT "identityId", "consumedAt" IS NOT NULL AS consumed FROM oci_login_challenges WHERE "challengeHash" = $1`,
    [challengeHash],
  );
  if (!row) return { ok: false, problem: "unknown" };
  if (row.identityId !== identityId) return { ok: false, problem: "other_identity" };
  if (row.consumed) return { ok: false, problem: "reused" };
  return { ok: false, problem: "expired" };
}

/** Gives back a challenge OCI never judged (unreachable, throttled), so the workload may send the same login again. */
export async function releaseLoginChallenge(sql: StatementRunner, challengeHash: string): Promise<void> {
  await sql(`UPDATE oci_login_challenges SET "consumedAt" = NULL WHERE "challengeHash" = $1`, [challengeHash]);
}

/** Drops challenges that expired before `before` (called now and then, not per login). */
export async function pruneLoginChallenges(sql: StatementRunner, before: Date): Promise<number> {
  const [deleted] = await sql<{ n: number }>(
    `WITH gone AS (DELETE FROM oci_login_challenges WHERE "expiresAt" < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    [before],
  );
  return deleted?.n ?? 0;
}
