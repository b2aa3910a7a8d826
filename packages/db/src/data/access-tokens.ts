import { randomUUID } from "node:crypto";
import type { DbClient, StatementRunner } from "../client";
import type { Prisma } from "../generated/prisma/client";
import type { AuditEventInput } from "./audit";
import { type IdentityWithOciAuth, parseAudiences } from "./identities";
import { parseStoredTrustedIps } from "./oci-auth";

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

/**
 * consumeAccessTokenUse that also says how many uses the token has had after this one (null: not
 * counted, the token is revoked or at its limit): introspection answers the uses left.
 */
export async function consumeAccessTokenUseCounted(db: DbClient, id: string, ip: string | null): Promise<number | null> {
  const rows = await db.$queryRaw<{ uses: number }[]>`
    UPDATE identity_access_tokens
       SET "accessTokenNumUses" = "accessTokenNumUses" + 1, "lastUsedAt" = now(), "lastUsedIp" = ${ip}
     WHERE id = ${id}::uuid
       AND "revokedAt" IS NULL
       AND ("accessTokenNumUsesLimit" = 0 OR "accessTokenNumUses" < "accessTokenNumUsesLimit")
 RETURNING "accessTokenNumUses" AS uses`;
  return rows.length === 1 ? Number(rows[0]!.uses) : null;
}

export async function renewAccessToken(db: DbClient, id: string, expiresAt: Date | null, signingKeyId: string | null = null) {
  const { count } = await db.identityAccessToken.updateMany({
    where: { id, revokedAt: null },
    data: { expiresAt, lastRenewedAt: new Date(), signingKeyId },
  });
  return count === 1;
}

export async function revokeAccessToken(db: DbClient, id: string) {
  const { count } = await db.identityAccessToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return count === 1;
}

/** The identity's tokens, newest first: all, only revoked ones, or only those still usable (unrevoked, unexpired, uses left). */
export async function listAccessTokens(
  db: DbClient,
  identityId: string,
  limit = 100,
  status: "all" | "active" | "revoked" = "all",
  offset = 0,
) {
  const now = new Date();
  const where: Prisma.IdentityAccessTokenWhereInput =
    status === "revoked"
      ? { identityId, revokedAt: { not: null } }
      : status === "active"
        ? {
            identityId,
            revokedAt: null,
            AND: [
              { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
              {
                OR: [{ accessTokenNumUsesLimit: 0 }, { accessTokenNumUses: { lt: db.identityAccessToken.fields.accessTokenNumUsesLimit } }],
              },
            ],
          }
        : { identityId };
  return db.identityAccessToken.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, skip: offset });
}

/** Revokes every unrevoked token of the identity at once; the number revoked. */
export async function revokeAllAccessTokens(db: DbClient, identityId: string) {
  const { count } = await db.identityAccessToken.updateMany({ where: { identityId, revokedAt: null }, data: { revokedAt: new Date() } });
  return count;
}

export type AccessTokenRow = NonNullable<Awaited<ReturnType<typeof findAccessToken>>>;

/** The fields of a token that authentication needs (cached by the app). */
export type AccessTokenAuthRow = Pick<
  AccessTokenRow,
  "id" | "identityId" | "authMethod" | "revokedAt" | "expiresAt" | "accessTokenNumUsesLimit"
>;

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

/**
 * Everything authenticating an identity token needs, in ONE query: the token row, its identity
 * and the identity's OCI auth config (the cold path of the auth cache).
 */
export async function findTokenAuthContext(db: DbClient, tokenId: string) {
  const rows = await db.$queryRaw<RawAuthContext[]>`
    SELECT t.id AS "tokenId", t."identityId", t."authMethod", t."revokedAt", t."expiresAt", t."accessTokenNumUsesLimit",
           i."orgId", o.slug AS "orgSlug", i."allowedAudiences", i.name, i.role, i."createdAt" AS "identityCreatedAt", i."updatedAt" AS "identityUpdatedAt",
           c.id AS "configId", c.type, c."tenancyOcid", c."allowedUsernames", c."accessTokenTTL", c."accessTokenMaxTTL",
           c."accessTokenNumUsesLimit" AS "configNumUsesLimit", c."accessTokenTrustedIps", c."accessTokenPeriod",
           c."allowedPrincipalTypes", c."allowedCompartmentOcids", c."allowedPrincipalOcids", c."allowedRegions",
           c."createdAt" AS "configCreatedAt", c."updatedAt" AS "configUpdatedAt",
           ta.id AS "tokenAuthId", ta."accessTokenTTL" AS "tokenAuthTTL", ta."accessTokenMaxTTL" AS "tokenAuthMaxTTL",
           ta."accessTokenNumUsesLimit" AS "tokenAuthNumUsesLimit", ta."accessTokenTrustedIps" AS "tokenAuthTrustedIps",
           ta."accessTokenPeriod" AS "tokenAuthPeriod", ta."createdAt" AS "tokenAuthCreatedAt", ta."updatedAt" AS "tokenAuthUpdatedAt"
      FROM identity_access_tokens t
      JOIN identities i ON i.id = t."identityId"
      JOIN organizations o ON o.id = i."orgId"
      LEFT JOIN identity_oci_auths c ON c."identityId" = t."identityId"
      LEFT JOIN identity_token_auths ta ON ta."identityId" = t."identityId"
     WHERE t.id = ${tokenId}::uuid`;
  const r = rows[0];
  if (!r) return null;
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  const token: AccessTokenAuthRow = {
    id: r.tokenId,
    identityId: r.identityId,
    authMethod: r.authMethod,
    revokedAt: date(r.revokedAt),
    expiresAt: date(r.expiresAt),
    accessTokenNumUsesLimit: Number(r.accessTokenNumUsesLimit),
  };
  const identity: IdentityWithOciAuth = {
    id: r.identityId,
    orgId: r.orgId,
    orgSlug: r.orgSlug,
    allowedAudiences: parseAudiences(r.allowedAudiences),
    name: r.name,
    role: r.role,
    createdAt: new Date(r.identityCreatedAt),
    updatedAt: new Date(r.identityUpdatedAt),
    ociAuth: r.configId
      ? {
          id: r.configId,
          identityId: r.identityId,
          type: r.type!,
          tenancyOcid: r.tenancyOcid!,
          allowedUsernames: r.allowedUsernames,
          accessTokenTTL: Number(r.accessTokenTTL),
          accessTokenMaxTTL: Number(r.accessTokenMaxTTL),
          accessTokenNumUsesLimit: Number(r.configNumUsesLimit),
          accessTokenTrustedIps: parseStoredTrustedIps(r.accessTokenTrustedIps),
          accessTokenPeriod: Number(r.accessTokenPeriod),
          allowedPrincipalTypes: r.allowedPrincipalTypes,
          allowedCompartmentOcids: r.allowedCompartmentOcids,
          allowedPrincipalOcids: r.allowedPrincipalOcids,
          allowedRegions: r.allowedRegions,
          createdAt: new Date(r.configCreatedAt!),
          updatedAt: new Date(r.configUpdatedAt!),
        }
      : null,
    tokenAuth: r.tokenAuthId
      ? {
          id: r.tokenAuthId,
          identityId: r.identityId,
          accessTokenTTL: Number(r.tokenAuthTTL),
          accessTokenMaxTTL: Number(r.tokenAuthMaxTTL),
          accessTokenNumUsesLimit: Number(r.tokenAuthNumUsesLimit),
          accessTokenTrustedIps: parseStoredTrustedIps(r.tokenAuthTrustedIps),
          accessTokenPeriod: Number(r.tokenAuthPeriod),
          createdAt: new Date(r.tokenAuthCreatedAt!),
          updatedAt: new Date(r.tokenAuthUpdatedAt!),
        }
      : null,
  };
  return { token, identity };
}

interface RawAuthContext {
  tokenId: string;
  identityId: string;
  authMethod: string;
  revokedAt: Date | string | null;
  expiresAt: Date | string | null;
  accessTokenNumUsesLimit: number;
  orgSlug: string;
  allowedAudiences: unknown;
  orgId: string;
  name: string;
  role: string;
  identityCreatedAt: Date | string;
  identityUpdatedAt: Date | string;
  configId: string | null;
  type: string | null;
  tenancyOcid: string | null;
  allowedUsernames: string | null;
  accessTokenTTL: number | null;
  accessTokenMaxTTL: number | null;
  configNumUsesLimit: number | null;
  accessTokenTrustedIps: unknown;
  accessTokenPeriod: number | null;
  allowedPrincipalTypes: string | null;
  allowedCompartmentOcids: string | null;
  allowedPrincipalOcids: string | null;
  allowedRegions: string | null;
  configCreatedAt: Date | string | null;
  configUpdatedAt: Date | string | null;
  tokenAuthId: string | null;
  tokenAuthTTL: number | null;
  tokenAuthMaxTTL: number | null;
  tokenAuthNumUsesLimit: number | null;
  tokenAuthTrustedIps: unknown;
  tokenAuthPeriod: number | null;
  tokenAuthCreatedAt: Date | string | null;
  tokenAuthUpdatedAt: Date | string | null;
}

/**
 * Issues a token, records the login on its identity (`lastLoginAuthMethod`, `lastLoginTime`) and
 * writes its audit event atomically in ONE statement (no interactive transaction): the login hot
 * path, straight on the driver (`Database.execute`). The identity update is not announced to the auth caches (see the identities triggers).
 */
export async function createAccessTokenWithAudit(
  sql: StatementRunner,
  token: Pick<
    AccessTokenRow,
    "id" | "identityId" | "authMethod" | "accessTokenTTL" | "accessTokenMaxTTL" | "accessTokenNumUsesLimit" | "expiresAt"
  > &
    Partial<
      Pick<
        AccessTokenRow,
        | "ociUserOcid"
        | "ociUsername"
        | "loginIp"
        | "ociPrincipalType"
        | "ociPrincipalOcid"
        | "ociCompartmentOcid"
        | "ociRegion"
        | "name"
        | "signingKeyId"
      >
    >,
  event: AuditEventInput,
) {
  await sql(
    `WITH issued AS (
      INSERT INTO identity_access_tokens (id, "identityId", "authMethod", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "expiresAt",
                                          "ociUserOcid", "ociUsername", "loginIp", "ociPrincipalType", "ociPrincipalOcid", "ociCompartmentOcid", "ociRegion", name, "signingKeyId")
      VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::timestamptz, $8, $9, $10, $11, $12, $13, $14, $24, $25)
      RETURNING id, "identityId"),
    logged_in AS (
      UPDATE identities AS i SET "lastLoginAuthMethod" = $3, "lastLoginTime" = now()
        FROM issued WHERE i.id = issued."identityId")
    INSERT INTO audit_events (id, "orgId", "eventType", "actorType", "actorId", "actorName", metadata, "ipAddress", "userAgent")
    SELECT $15::uuid, $16::uuid, $17, $18, $19, $20, $21::jsonb, $22, $23
      FROM issued`,
    [
      token.id,
      token.identityId,
      token.authMethod,
      token.accessTokenTTL,
      token.accessTokenMaxTTL,
      token.accessTokenNumUsesLimit,
      token.expiresAt,
      token.ociUserOcid ?? null,
      token.ociUsername ?? null,
      token.loginIp ?? null,
      token.ociPrincipalType ?? null,
      token.ociPrincipalOcid ?? null,
      token.ociCompartmentOcid ?? null,
      token.ociRegion ?? null,
      randomUUID(),
      event.orgId,
      event.eventType,
      event.actorType,
      event.actorId,
      event.actorName,
      JSON.stringify(event.metadata),
      event.ipAddress,
      event.userAgent,
      token.name ?? null,
      token.signingKeyId ?? null,
    ],
  );
}
