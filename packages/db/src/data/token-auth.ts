import type { DbClient } from "../client";
import type { IdentityTokenAuth } from "../generated/prisma/client";
import { parseStoredTrustedIps, type StoredTrustedIp } from "./oci-auth";

/** A Token Auth config with its JSON column parsed. */
export type TokenAuthRow = Omit<IdentityTokenAuth, "accessTokenTrustedIps"> & { accessTokenTrustedIps: StoredTrustedIp[] };

export interface TokenAuthValues {
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  accessTokenNumUsesLimit: number;
  accessTokenTrustedIps: StoredTrustedIp[];
}

export const TOKEN_AUTH_METHOD = "token-auth";

export function toTokenAuthRow(row: IdentityTokenAuth): TokenAuthRow;
export function toTokenAuthRow(row: IdentityTokenAuth | null): TokenAuthRow | null;
export function toTokenAuthRow(row: IdentityTokenAuth | null): TokenAuthRow | null {
  return row && { ...row, accessTokenTrustedIps: parseStoredTrustedIps(row.accessTokenTrustedIps) };
}

/** Inserts the identity's config; a second one fails on the unique identityId (see isUniqueViolation). */
export async function insertTokenAuth(db: DbClient, identityId: string, values: TokenAuthValues) {
  return toTokenAuthRow(await db.identityTokenAuth.create({ data: { identityId, ...values } }));
}

export async function findTokenAuth(db: DbClient, identityId: string) {
  return toTokenAuthRow(await db.identityTokenAuth.findUnique({ where: { identityId } }));
}

/** Updates only the given fields; null when the identity has no config (also if deleted meanwhile). */
export async function updateTokenAuth(db: DbClient, identityId: string, patch: Partial<TokenAuthValues>) {
  const result = await db.identityTokenAuth.updateManyAndReturn({ where: { identityId }, data: patch });
  return toTokenAuthRow(result[0] ?? null);
}

/** Call inside a transaction. Deletes the config and revokes every token it minted; returns the deleted row. */
export async function deleteTokenAuth(db: DbClient, identityId: string) {
  const row = await db.identityTokenAuth.findUnique({ where: { identityId } });
  if (!row) return null;
  // A concurrent revoke may have deleted it between the read and this delete: only one wins.
  const { count } = await db.identityTokenAuth.deleteMany({ where: { id: row.id } });
  if (count === 0) return null;
  await db.identityAccessToken.updateMany({
    where: { identityId, authMethod: TOKEN_AUTH_METHOD, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return toTokenAuthRow(row);
}

/** The identity's Token Auth tokens, newest first. */
export async function listTokenAuthTokens(db: DbClient, identityId: string, limit: number, offset: number) {
  return db.identityAccessToken.findMany({
    where: { identityId, authMethod: TOKEN_AUTH_METHOD },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    skip: offset,
  });
}

/** Renames a Token Auth token; null when there is no such token. */
export async function renameTokenAuthToken(db: DbClient, tokenId: string, name: string | null) {
  const result = await db.identityAccessToken.updateManyAndReturn({
    where: { id: tokenId, authMethod: TOKEN_AUTH_METHOD },
    data: { name },
  });
  return result[0] ?? null;
}
