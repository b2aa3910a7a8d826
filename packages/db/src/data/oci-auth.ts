import type { DbClient } from "../client";
import type { Prisma } from "../generated/prisma/client";

export interface OciAuthValues {
  tenancyOcid: string;
  allowedUsernames: string | null;
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  accessTokenNumUsesLimit: number;
  accessTokenTrustedIps: Prisma.InputJsonValue;
}

/** Inserts the identity's config; a second one fails on the unique identityId (see isUniqueViolation). */
export async function insertOciAuth(db: DbClient, identityId: string, values: OciAuthValues) {
  return db.identityOciAuth.create({ data: { identityId, type: "iam", ...values } });
}

export async function findOciAuth(db: DbClient, identityId: string) {
  return db.identityOciAuth.findUnique({ where: { identityId } });
}

/** Updates only the given fields; null when the identity has no config (also if deleted meanwhile). */
export async function updateOciAuth(db: DbClient, identityId: string, patch: Partial<OciAuthValues>) {
  const result = await db.identityOciAuth.updateManyAndReturn({ where: { identityId }, data: patch });
  return result[0] ?? null;
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
  return row;
}

export type OciAuthRow = NonNullable<Awaited<ReturnType<typeof findOciAuth>>>;
