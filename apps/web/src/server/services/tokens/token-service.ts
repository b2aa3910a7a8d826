import { randomUUID } from "node:crypto";
import * as data from "@ociauth/db";
import { type AccessTokenBody, type AccessTokenResponse, messages, type TrustedIp } from "@ociauth/schema";
import type { ServiceContext } from "../../context";
import { badRequest, forbidden, tokenError, unauthorized } from "../../errors";
import { type AuditEntry, recordAudit, toAuditEvent } from "../audit/audit-service";
import { getSigningKey, signToken, verifyToken } from "../auth/tokens-jwt";
import { forgetToken } from "../auth/identity-state";
import { createIpMatcher } from "../auth/trusted-ips-fns";
import { expiresInSeconds, tokenLifetimeMs } from "./token-fns";

export const TOKEN_MAX_TTL_REACHED = "Cannot renew: identity access token has reached its max TTL";
export const TOKEN_EXHAUSTED = "Cannot renew exhausted access token";

/**
 * Creates the token row (one row per token: revocation and use counts work across instances),
 * its audit event (same statement) and its JWT.
 */
export async function issueAccessToken(
  ctx: ServiceContext,
  input: { identityId: string; orgId: string; authMethod: string; ttl: number; maxTtl: number; numUsesLimit: number },
  audit: (tokenId: string) => AuditEntry,
): Promise<AccessTokenResponse> {
  const now = Date.now();
  const lifetime = tokenLifetimeMs({ ttl: input.ttl, maxTtl: input.maxTtl, createdAtMs: now, nowMs: now });
  const expiresAt = lifetime === null ? null : new Date(now + lifetime);
  const tokenId = randomUUID();
  await data.createAccessTokenWithAudit(
    ctx.db,
    {
      id: tokenId,
      identityId: input.identityId,
      authMethod: input.authMethod,
      accessTokenTTL: input.ttl,
      accessTokenMaxTTL: input.maxTtl,
      accessTokenNumUsesLimit: input.numUsesLimit,
      expiresAt,
    },
    toAuditEvent(ctx.meta, undefined, audit(tokenId)),
  );
  const key = await getSigningKey(ctx.db, ctx.config);
  const accessToken = await signToken(
    key,
    { authTokenType: "identityAccessToken", identityId: input.identityId, orgId: input.orgId, authMethod: input.authMethod, jti: tokenId },
    expiresAt,
  );
  return { accessToken, expiresIn: expiresInSeconds(lifetime), accessTokenMaxTTL: input.maxTtl, tokenType: "Bearer" };
}

async function loadIdentityToken(ctx: ServiceContext, accessToken: string) {
  const key = await getSigningKey(ctx.db, ctx.config);
  const verified = await verifyToken(key, accessToken);
  if (!verified.ok) throw tokenError(verified.reason === "expired" ? messages.tokenExpired : messages.tokenInvalid);
  if (verified.claims.authTokenType !== "identityAccessToken") throw badRequest("Token is not an identity access token");
  const row = await data.findAccessToken(ctx.db, verified.claims.jti);
  if (!row) throw unauthorized(messages.tokenRevoked); // its identity was deleted
  if (row.identityId !== verified.claims.identityId) throw tokenError(messages.tokenInvalid);
  if (row.revokedAt) throw unauthorized(messages.tokenRevoked);
  return { row, claims: verified.claims, key };
}

/** New expiry within the max TTL budget; a new JWT with the same id. */
export async function renewAccessToken(ctx: ServiceContext, { accessToken }: AccessTokenBody): Promise<AccessTokenResponse> {
  const { row, claims, key } = await loadIdentityToken(ctx, accessToken);
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw tokenError(messages.tokenExpired);
  if (row.accessTokenNumUsesLimit > 0 && row.accessTokenNumUses >= row.accessTokenNumUsesLimit) throw unauthorized(TOKEN_EXHAUSTED);
  if (row.authMethod === "oci-auth") {
    const config = await data.findOciAuth(ctx.db, row.identityId);
    if (!config) throw unauthorized(messages.tokenRevoked);
    if (!createIpMatcher(config.accessTokenTrustedIps as unknown as TrustedIp[])(ctx.meta.ip)) throw forbidden(messages.ipNotAllowed);
  }
  const now = Date.now();
  const lifetime = tokenLifetimeMs({
    ttl: row.accessTokenTTL,
    maxTtl: row.accessTokenMaxTTL,
    createdAtMs: row.createdAt.getTime(),
    nowMs: now,
  });
  if (lifetime !== null && lifetime < 1000) throw unauthorized(TOKEN_MAX_TTL_REACHED);
  const expiresAt = lifetime === null ? null : new Date(now + lifetime);
  const renewed = await data.renewAccessToken(ctx.db, row.id, expiresAt);
  forgetToken(ctx, row.id);
  if (!renewed) throw unauthorized(messages.tokenRevoked);
  await recordAudit(ctx.db, ctx.meta, undefined, {
    orgId: claims.orgId,
    eventType: "renew-identity-access-token",
    actor: { type: "identity", id: row.identityId, name: null },
    metadata: { identityId: row.identityId, identityAccessTokenId: row.id },
  });
  const accessTokenJwt = await signToken(key, { ...claims }, expiresAt);
  return {
    accessToken: accessTokenJwt,
    expiresIn: expiresInSeconds(lifetime),
    accessTokenMaxTTL: row.accessTokenMaxTTL,
    tokenType: "Bearer",
  };
}

export async function revokeAccessToken(ctx: ServiceContext, { accessToken }: AccessTokenBody) {
  const { row, claims } = await loadIdentityToken(ctx, accessToken);
  await ctx.db.$transaction(async (tx) => {
    await data.revokeAccessToken(tx, row.id);
    await recordAudit(tx, ctx.meta, undefined, {
      orgId: claims.orgId,
      eventType: "revoke-identity-access-token",
      actor: { type: "identity", id: row.identityId, name: null },
      metadata: { identityId: row.identityId, identityAccessTokenId: row.id },
    });
  });
  forgetToken(ctx, row.id);
  return { message: messages.tokenRevokedMessage };
}
