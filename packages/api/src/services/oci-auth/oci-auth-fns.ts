import type { OciAuthRow } from "@ociauth/db";
import { type IdentityOciAuth, identityOciAuthSchema, parseTrustedIp, type TrustedIp } from "@ociauth/schema";

/** Stored form of validated `{ipAddress}` inputs: `{ipAddress, type, prefix?}`. */
export function toStoredTrustedIps(inputs: { ipAddress: string }[]): TrustedIp[] {
  return inputs.map(({ ipAddress }) => {
    const parsed = parseTrustedIp(ipAddress);
    if (!parsed) throw new Error(`unvalidated trusted IP reached the service: ${ipAddress}`);
    return parsed;
  });
}

export function toOciAuthDto(row: OciAuthRow): IdentityOciAuth {
  return identityOciAuthSchema.parse({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    identityId: row.identityId,
    type: row.type,
    tenancyOcid: row.tenancyOcid,
    accessTokenTTL: row.accessTokenTTL,
    accessTokenMaxTTL: row.accessTokenMaxTTL,
    accessTokenNumUsesLimit: row.accessTokenNumUsesLimit,
    accessTokenTrustedIps: row.accessTokenTrustedIps,
    allowedUsernames: row.allowedUsernames,
    accessTokenPeriod: row.accessTokenPeriod,
  });
}

/** Audit metadata of attach/update: the resulting configuration (no secrets in it). */
export function ociAuthAuditMetadata(dto: IdentityOciAuth) {
  return {
    identityId: dto.identityId,
    tenancyOcid: dto.tenancyOcid,
    allowedUsernames: dto.allowedUsernames,
    accessTokenTTL: dto.accessTokenTTL,
    accessTokenMaxTTL: dto.accessTokenMaxTTL,
    accessTokenNumUsesLimit: dto.accessTokenNumUsesLimit,
    accessTokenTrustedIps: dto.accessTokenTrustedIps,
  };
}
