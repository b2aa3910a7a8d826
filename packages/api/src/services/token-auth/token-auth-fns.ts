import type { AccessTokenRow, TokenAuthRow } from "@ociauth/db";
import { type IdentityTokenAuth, identityTokenAuthSchema, type TokenAuthToken } from "@ociauth/schema";

export function toTokenAuthDto(row: TokenAuthRow): IdentityTokenAuth {
  return identityTokenAuthSchema.parse({
    id: row.id,
    identityId: row.identityId,
    accessTokenTTL: row.accessTokenTTL,
    accessTokenMaxTTL: row.accessTokenMaxTTL,
    accessTokenNumUsesLimit: row.accessTokenNumUsesLimit,
    accessTokenTrustedIps: row.accessTokenTrustedIps,
    accessTokenPeriod: row.accessTokenPeriod,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });
}

/** Audit metadata of attach/update: the resulting configuration (as Infisical's events carry it). */
export function tokenAuthAuditMetadata(dto: IdentityTokenAuth) {
  return {
    identityId: dto.identityId,
    accessTokenTTL: dto.accessTokenTTL,
    accessTokenMaxTTL: dto.accessTokenMaxTTL,
    accessTokenNumUsesLimit: dto.accessTokenNumUsesLimit,
    accessTokenTrustedIps: dto.accessTokenTrustedIps,
  };
}

/** A token row in Infisical's shape (`tokenData`, list items); the token itself is never stored. */
export function toTokenAuthTokenDto(row: AccessTokenRow): TokenAuthToken {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  // Our rows keep no updatedAt: the last change we know of (creation, renewal, revocation).
  const updatedAt = [row.createdAt, row.lastRenewedAt, row.revokedAt].reduce<Date>(
    (latest, date) => (date && date > latest ? date : latest),
    row.createdAt,
  );
  return {
    id: row.id,
    identityId: row.identityId,
    name: row.name,
    authMethod: row.authMethod,
    accessTokenTTL: row.accessTokenTTL,
    accessTokenMaxTTL: row.accessTokenMaxTTL,
    accessTokenNumUses: row.accessTokenNumUses,
    accessTokenNumUsesLimit: row.accessTokenNumUsesLimit,
    accessTokenPeriod: 0,
    accessTokenLastUsedAt: iso(row.lastUsedAt),
    accessTokenLastRenewedAt: iso(row.lastRenewedAt),
    isAccessTokenRevoked: row.revokedAt !== null,
    identityUAClientSecretId: null,
    expiresAt: iso(row.expiresAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}
