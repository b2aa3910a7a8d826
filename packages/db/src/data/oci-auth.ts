import type { DbClient } from "../client";
import type { IdentityOciAuth } from "../generated/prisma/client";

/** One trusted address range as stored in the `accessTokenTrustedIps` JSON column. */
export type StoredTrustedIp = { ipAddress: string; type: "ipv4" | "ipv6"; prefix?: number };

/** An OCI auth config with its JSON column parsed. */
export type OciAuthRow = Omit<IdentityOciAuth, "accessTokenTrustedIps"> & { accessTokenTrustedIps: StoredTrustedIp[] };

export interface OciAuthValues {
  tenancyOcid: string;
  allowedUsernames: string | null;
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  accessTokenNumUsesLimit: number;
  accessTokenTrustedIps: StoredTrustedIp[];
  /** Comma-separated principal types; null: users only. */
  allowedPrincipalTypes: string | null;
  allowedCompartmentOcids: string | null;
  allowedPrincipalOcids: string | null;
  allowedRegions: string | null;
}

/** The trusted IPs column, checked once on the way out of the database (a string when read with raw SQL). */
export function parseStoredTrustedIps(value: unknown): StoredTrustedIp[] {
  const list: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (!Array.isArray(list)) throw new TypeError("accessTokenTrustedIps is not a JSON array");
  return list.map((entry: unknown, index) => {
    const { ipAddress, type, prefix } = (entry ?? {}) as Record<string, unknown>;
    if (typeof ipAddress !== "string" || (type !== "ipv4" && type !== "ipv6") || (prefix !== undefined && typeof prefix !== "number")) {
      throw new TypeError(`accessTokenTrustedIps[${index}] is not a stored trusted IP`);
    }
    return prefix === undefined ? { ipAddress, type } : { ipAddress, type, prefix };
  });
}

export function toOciAuthRow(row: IdentityOciAuth): OciAuthRow;
export function toOciAuthRow(row: IdentityOciAuth | null): OciAuthRow | null;
export function toOciAuthRow(row: IdentityOciAuth | null): OciAuthRow | null {
  return row && { ...row, accessTokenTrustedIps: parseStoredTrustedIps(row.accessTokenTrustedIps) };
}

/** Inserts the identity's config; a second one fails on the unique identityId (see isUniqueViolation). */
export async function insertOciAuth(db: DbClient, identityId: string, values: OciAuthValues) {
  return toOciAuthRow(await db.identityOciAuth.create({ data: { identityId, type: "iam", ...values } }));
}

export async function findOciAuth(db: DbClient, identityId: string) {
  return toOciAuthRow(await db.identityOciAuth.findUnique({ where: { identityId } }));
}

/** Updates only the given fields; null when the identity has no config (also if deleted meanwhile). */
export async function updateOciAuth(db: DbClient, identityId: string, patch: Partial<OciAuthValues>) {
  const result = await db.identityOciAuth.updateManyAndReturn({ where: { identityId }, data: patch });
  return toOciAuthRow(result[0] ?? null);
}

/** Call inside a transaction. Deletes the config and revokes every token issued through OCI auth; returns the deleted row. */
export async function deleteOciAuth(db: DbClient, identityId: string) {
  const row = await db.identityOciAuth.findUnique({ where: { identityId } });
  if (!row) return null;
  // A concurrent revoke may have deleted it between the read and this delete: only one wins.
  const { count } = await db.identityOciAuth.deleteMany({ where: { id: row.id } });
  if (count === 0) return null;
  {
    await db.identityAccessToken.updateMany({
      where: { identityId, authMethod: "oci-auth", revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }
  return toOciAuthRow(row);
}
