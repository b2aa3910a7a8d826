import type { DbClient } from "../client";

export interface SigningKeyRecord {
  id: string;
  alg: string;
  publicJwk: unknown;
  createdAt: Date;
  /** secretId → ciphertext of the private part under that root secret. */
  wraps: Map<string, string>;
}

export async function listSigningKeys(db: DbClient): Promise<SigningKeyRecord[]> {
  const rows = await db.signingKey.findMany({ include: { wraps: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map((row) => ({
    id: row.id,
    alg: row.alg,
    publicJwk: row.publicJwk,
    createdAt: row.createdAt,
    wraps: new Map(row.wraps.map((wrap) => [wrap.secretId, wrap.ciphertext])),
  }));
}

export async function insertSigningKey(
  db: DbClient,
  key: { id: string; alg: string; publicJwk: object | null; wraps: { secretId: string; ciphertext: string }[] },
) {
  await db.signingKey.create({
    data: {
      id: key.id,
      alg: key.alg,
      publicJwk: key.publicJwk ?? undefined,
      wraps: { create: key.wraps },
    },
  });
}

export async function addSigningKeyWraps(db: DbClient, wraps: { keyId: string; secretId: string; ciphertext: string }[]) {
  if (wraps.length === 0) return;
  await db.signingKeyWrap.createMany({ data: wraps, skipDuplicates: true });
}

/** Drops the wraps under every root secret but `secretId` (a finished root-secret rotation). */
export async function dropOtherSecrets(db: DbClient, secretId: string) {
  await db.signingKeyWrap.deleteMany({ where: { secretId: { not: secretId } } });
  await db.rootSecret.deleteMany({ where: { id: { not: secretId } } });
}

export async function listRootSecretIds(db: DbClient): Promise<string[]> {
  const rows = await db.rootSecret.findMany({ select: { id: true } });
  return rows.map((row) => row.id);
}

export async function addRootSecret(db: DbClient, id: string) {
  await db.rootSecret.createMany({ data: [{ id }], skipDuplicates: true });
}

/** Whether tokens or sessions from before signing keys (signed with the legacy HS256 secret) exist. */
export async function hasLegacyTokens(db: DbClient): Promise<boolean> {
  const [token, session] = await Promise.all([
    db.identityAccessToken.findFirst({ where: { signingKeyId: null }, select: { id: true } }),
    db.userSession.findFirst({ where: { signingKeyId: null }, select: { id: true } }),
  ]);
  return Boolean(token ?? session);
}

/**
 * Tokens and sessions still usable per signing key (null: the legacy HS256 secret): not revoked,
 * not expired (tokens without expiry count while they live).
 */
export async function countLiveTokensByKey(db: DbClient): Promise<Map<string | null, number>> {
  const [tokens, sessions] = await Promise.all([
    db.$queryRaw<{ signingKeyId: string | null; count: bigint }[]>`
      SELECT "signingKeyId", count(*) AS count FROM identity_access_tokens
       WHERE "revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > now()) GROUP BY "signingKeyId"`,
    db.$queryRaw<{ signingKeyId: string | null; count: bigint }[]>`
      SELECT "signingKeyId", count(*) AS count FROM user_sessions
       WHERE "revokedAt" IS NULL AND "expiresAt" > now() GROUP BY "signingKeyId"`,
  ]);
  const counts = new Map<string | null, number>();
  for (const row of [...tokens, ...sessions]) counts.set(row.signingKeyId, (counts.get(row.signingKeyId) ?? 0) + Number(row.count));
  return counts;
}

/** Deletes the legacy HS256 setting (the root secret once kept in the database) after it was moved out. */
export async function deleteSetting(db: DbClient, key: string) {
  await db.instanceSetting.deleteMany({ where: { key } });
}
