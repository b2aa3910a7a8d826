import type { OciAuthRow } from "@ociauth/db";
import {
  type IdentityOciAuth,
  identityOciAuthSchema,
  OCI_PRINCIPAL_TYPES,
  type OciPrincipalType,
  parseTrustedIp,
  splitCommaList,
  type TrustedIp,
} from "@ociauth/schema";

/** Stored form of validated `{ipAddress}` inputs: `{ipAddress, type, prefix?}`. */
export function toStoredTrustedIps(inputs: { ipAddress: string }[]): TrustedIp[] {
  return inputs.map(({ ipAddress }) => {
    const parsed = parseTrustedIp(ipAddress);
    if (!parsed) throw new Error(`unvalidated trusted IP reached the service: ${ipAddress}`);
    return parsed;
  });
}

/** Principal types are stored like the other allow-lists: comma-separated text, null for the default (users only). */
export function toStoredPrincipalTypes(types: readonly OciPrincipalType[] | null): string | null {
  return types === null ? null : types.join(", ");
}

export function parseStoredPrincipalTypes(stored: string | null): OciPrincipalType[] | null {
  if (stored === null) return null;
  const types = splitCommaList(stored);
  return OCI_PRINCIPAL_TYPES.filter((type) => types.includes(type));
}

/** The principal rules of a stored configuration; each is present only when set. */
function principalRulesOf(row: OciAuthRow) {
  const allowedPrincipalTypes = parseStoredPrincipalTypes(row.allowedPrincipalTypes);
  return {
    ...(allowedPrincipalTypes !== null && { allowedPrincipalTypes }),
    ...(row.allowedCompartmentOcids !== null && { allowedCompartmentOcids: row.allowedCompartmentOcids }),
    ...(row.allowedPrincipalOcids !== null && { allowedPrincipalOcids: row.allowedPrincipalOcids }),
    ...(row.allowedRegions !== null && { allowedRegions: row.allowedRegions }),
  };
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
    ...principalRulesOf(row),
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
    allowedPrincipalTypes: dto.allowedPrincipalTypes ?? null,
    allowedCompartmentOcids: dto.allowedCompartmentOcids ?? null,
    allowedPrincipalOcids: dto.allowedPrincipalOcids ?? null,
    allowedRegions: dto.allowedRegions ?? null,
  };
}
