import type { DbClient } from "../client";

export async function createAccessToken(
  db: DbClient,
  input: {
    identityId: string;
    authMethod: string;
    accessTokenTTL: number;
    accessTokenMaxTTL: number;
    accessTokenNumUsesLimit: number;
    expiresAt: Date | null;
  },
) {
  return db.identityAccessToken.create({ data: input });
}

export async function findAccessToken(db: DbClient, id: string) {
  return db.identityAccessToken.findUnique({ where: { id } });
}

/**
 * Counts one use atomically: succeeds only while the token is unrevoked and under its use limit,
 * so N concurrent uses of a token limited to N all pass and the next one fails.
 */
export async function consumeAccessTokenUse(db: DbClient, id: string, ip: string | null): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE identity_access_tokens
       SET "accessTokenNumUses" = "accessTokenNumUses" + 1, "lastUsedAt" = now(), "lastUsedIp" = ${ip}
     WHERE id = ${id}::uuid
       AND "revokedAt" IS NULL
       AND ("accessTokenNumUsesLimit" = 0 OR "accessTokenNumUses" < "accessTokenNumUsesLimit")`;
  return updated === 1;
}

export async function renewAccessToken(db: DbClient, id: string, expiresAt: Date | null) {
  const { count } = await db.identityAccessToken.updateMany({
    where: { id, revokedAt: null },
    data: { expiresAt, lastRenewedAt: new Date() },
  });
  return count === 1;
}

export async function revokeAccessToken(db: DbClient, id: string) {
  const { count } = await db.identityAccessToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return count === 1;
}

export async function listAccessTokens(db: DbClient, identityId: string, limit = 100) {
  return db.identityAccessToken.findMany({ where: { identityId }, orderBy: { createdAt: "desc" }, take: limit });
}

export type AccessTokenRow = NonNullable<Awaited<ReturnType<typeof findAccessToken>>>;

/** The fields authentication needs, by token id (cached by the app). */
export async function findAccessTokenForAuth(db: DbClient, id: string) {
  return db.identityAccessToken.findUnique({
    where: { id },
    select: { id: true, identityId: true, authMethod: true, revokedAt: true, expiresAt: true, accessTokenNumUsesLimit: true },
  });
}

export type AccessTokenAuthRow = NonNullable<Awaited<ReturnType<typeof findAccessTokenForAuth>>>;

/** Adds batched use counts of tokens without a use limit (informational: uses, last use), in one statement. */
export async function addAccessTokenUses(db: DbClient, uses: { id: string; count: number; lastUsedAt: Date; ip: string | null }[]) {
  if (uses.length === 0) return;
  await db.$executeRaw`
    UPDATE identity_access_tokens AS t
       SET "accessTokenNumUses" = t."accessTokenNumUses" + u.count, "lastUsedAt" = u.last_used, "lastUsedIp" = u.ip
      FROM unnest(${uses.map((u) => u.id)}::uuid[], ${uses.map((u) => u.count)}::int[],
                  ${uses.map((u) => u.lastUsedAt.toISOString())}::timestamptz[], ${uses.map((u) => u.ip)}::text[])
        AS u(id, count, last_used, ip)
     WHERE t.id = u.id`;
}
