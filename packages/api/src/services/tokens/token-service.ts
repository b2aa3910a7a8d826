import { randomUUID } from "node:crypto";
import * as data from "@ociauth/db";
import { type AccessTokenBody, type AccessTokenResponse, messages, type OciPrincipalType } from "@ociauth/schema";
import type { ServiceContext } from "../../core/context";
import { badRequest, forbidden, tokenError, unauthorized } from "../../core/errors";
import { capAuditEvent } from "../audit/audit-payload-fns";
import { type AuditEntry, auditEvent, toAuditEvent } from "../audit/audit-service";
import { createIpMatcher } from "../auth/trusted-ips-fns";
import { write } from "../writes";
import { expiresInSeconds, tokenLifetimeMs, tokenRefusal } from "./token-fns";

export const TOKEN_MAX_TTL_REACHED = "Cannot renew: identity access token has reached its max TTL";
export const TOKEN_EXHAUSTED = "Cannot renew exhausted access token";

/** Who logged in with a token: the OCI principal that signed, and for users their OCID and name. */
export interface LoginOrigin {
  principalType: OciPrincipalType;
  principalOcid: string;
  compartmentOcid: string;
  region: string;
  userOcid: string | null;
  username: string | null;
}

/**
 * Creates the token row (one row per token: revocation and use counts work across instances),
 * its audit event (same statement) and its JWT.
 */
export async function issueAccessToken(
  ctx: ServiceContext,
  input: {
    identityId: string;
    orgId: string;
    authMethod: string;
    ttl: number;
    maxTtl: number;
    numUsesLimit: number;
    /** OCI logins: who signed the login, kept on the token row. */
    origin?: LoginOrigin;
    /** Token Auth: the name the operator gave the token. */
    name?: string | null;
  },
  audit: (tokenId: string) => AuditEntry,
): Promise<AccessTokenResponse> {
  const now = Date.now();
  const lifetime = tokenLifetimeMs({ ttl: input.ttl, maxTtl: input.maxTtl, createdAtMs: now, nowMs: now });
  const expiresAt = lifetime === null ? null : new Date(now + lifetime);
  const tokenId = randomUUID();
  await data.createAccessTokenWithAudit(
    ctx.rt.sql,
    {
      id: tokenId,
      identityId: input.identityId,
      authMethod: input.authMethod,
      accessTokenTTL: input.ttl,
      accessTokenMaxTTL: input.maxTtl,
      accessTokenNumUsesLimit: input.numUsesLimit,
      expiresAt,
      ociUserOcid: input.origin?.userOcid ?? null,
      ociUsername: input.origin?.username ?? null,
      ociPrincipalType: input.origin?.principalType ?? null,
      ociPrincipalOcid: input.origin?.principalOcid ?? null,
      ociCompartmentOcid: input.origin?.compartmentOcid ?? null,
      ociRegion: input.origin?.region ?? null,
      loginIp: input.origin ? ctx.meta.ip : null,
      name: input.name ?? null,
    },
    capAuditEvent(toAuditEvent(ctx.meta, undefined, audit(tokenId))),
  );
  const accessToken = await ctx.rt.tokens.sign(
    { authTokenType: "identityAccessToken", identityId: input.identityId, orgId: input.orgId, authMethod: input.authMethod, jti: tokenId },
    expiresAt,
  );
  return { accessToken, expiresIn: expiresInSeconds(lifetime), accessTokenMaxTTL: input.maxTtl, tokenType: "Bearer" };
}

async function loadIdentityToken(ctx: ServiceContext, accessToken: string) {
  const verified = await ctx.rt.tokens.verify(accessToken);
  if (!verified.ok) throw tokenError(verified.reason === "expired" ? messages.tokenExpired : messages.tokenInvalid);
  if (verified.claims.authTokenType !== "identityAccessToken") throw badRequest("Token is not an identity access token");
  const row = await data.findAccessToken(ctx.db, verified.claims.jti);
  if (!row) throw unauthorized(messages.tokenRevoked); // its identity was deleted
  if (row.identityId !== verified.claims.identityId) throw tokenError(messages.tokenInvalid);
  if (row.revokedAt) throw unauthorized(messages.tokenRevoked);
  return { row, claims: verified.claims };
}

/** New expiry within the max TTL budget; a new JWT with the same id. */
export async function renewAccessToken(ctx: ServiceContext, { accessToken }: AccessTokenBody): Promise<AccessTokenResponse> {
  const { row, claims } = await loadIdentityToken(ctx, accessToken);
  const config =
    row.authMethod === "oci-auth"
      ? await data.findOciAuth(ctx.db, row.identityId)
      : row.authMethod === "token-auth"
        ? await data.findTokenAuth(ctx.db, row.identityId)
        : undefined;
  const allowsIp = config === undefined ? undefined : config && createIpMatcher(config.accessTokenTrustedIps);
  const now = Date.now();
  const refusal = tokenRefusal(row, { now, allowsIp, ip: ctx.meta.ip });
  if (refusal === "revoked") throw unauthorized(messages.tokenRevoked);
  if (refusal === "expired") throw tokenError(messages.tokenExpired);
  if (refusal === "exhausted") throw unauthorized(TOKEN_EXHAUSTED);
  if (refusal === "ip-not-allowed") throw forbidden(messages.ipNotAllowedFrom(ctx.meta.ip));
  const lifetime = tokenLifetimeMs({
    ttl: row.accessTokenTTL,
    maxTtl: row.accessTokenMaxTTL,
    createdAtMs: row.createdAt.getTime(),
    nowMs: now,
  });
  if (lifetime !== null && lifetime < 1000) throw unauthorized(TOKEN_MAX_TTL_REACHED);
  const expiresAt = lifetime === null ? null : new Date(now + lifetime);
  const renewed = await write(ctx, { token: row.id }, (tx) => data.renewAccessToken(tx, row.id, expiresAt));
  if (!renewed) throw unauthorized(messages.tokenRevoked);
  await ctx.rt.audit.record(
    auditEvent(ctx, {
      orgId: claims.orgId,
      eventType: "renew-identity-access-token",
      actor: { type: "identity", id: row.identityId, name: null },
      metadata: { identityId: row.identityId, identityAccessTokenId: row.id },
    }),
  );
  const accessTokenJwt = await ctx.rt.tokens.sign({ ...claims }, expiresAt);
  return {
    accessToken: accessTokenJwt,
    expiresIn: expiresInSeconds(lifetime),
    accessTokenMaxTTL: row.accessTokenMaxTTL,
    tokenType: "Bearer",
  };
}

export async function revokeAccessToken(ctx: ServiceContext, { accessToken }: AccessTokenBody) {
  const { row, claims } = await loadIdentityToken(ctx, accessToken);
  await write(ctx, { token: row.id }, async (tx) => {
    await data.revokeAccessToken(tx, row.id);
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: claims.orgId,
        eventType: "revoke-identity-access-token",
        actor: { type: "identity", id: row.identityId, name: null },
        metadata: { identityId: row.identityId, identityAccessTokenId: row.id },
      }),
    );
  });
  return { message: messages.tokenRevokedMessage };
}
