import { randomUUID } from "node:crypto";
import * as data from "@ociauth/db";
import {
  type AccessTokenBody,
  type AccessTokenResponse,
  messages,
  OCI_PRINCIPAL_TYPES,
  OCIAUTH_CLAIM,
  type OciPrincipalType,
} from "@ociauth/schema";
import { z } from "zod";
import type { ServiceContext } from "../../core/context";
import { badRequest, forbidden, tokenError, unauthorized } from "../../core/errors";
import { capAuditEvent } from "../audit/audit-payload-fns";
import { type AuditEntry, auditEvent, toAuditEvent } from "../audit/audit-service";
import { loadIdentityState } from "../auth/identity-state";
import { createIpMatcher } from "../auth/trusted-ips-fns";
import { write } from "../writes";
import { tokenClaimsOf } from "./token-claims-fns";
import { expiresInSeconds, tokenLifetimeMs, tokenRefusal } from "./token-fns";

export const TOKEN_MAX_TTL_REACHED = "Cannot renew: identity access token has reached its max TTL";
export const TOKEN_EXHAUSTED = "Cannot renew exhausted access token";

/** Who logged in with a token: the OCI principal that signed, and for users their OCID and name. */
export interface LoginOrigin {
  principalType: OciPrincipalType;
  principalOcid: string;
  tenancyOcid?: string;
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
    identity: { id: string; orgId: string; orgSlug: string; name: string };
    authMethod: string;
    /** Another service the token is for (one of the identity's allowed audiences); default: this service. */
    audience?: string;
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
  const { identity } = input;
  // Taken before the row is written, so the row names the key that signs its JWT.
  const key = ctx.rt.tokens.currentKey();
  await data.createAccessTokenWithAudit(
    ctx.rt.sql,
    {
      id: tokenId,
      identityId: identity.id,
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
      signingKeyId: key.id,
    },
    capAuditEvent(toAuditEvent(ctx.meta, undefined, audit(tokenId))),
  );
  const accessToken = await ctx.rt.tokens.sign(
    { authTokenType: "identityAccessToken", identityId: identity.id, orgId: identity.orgId, authMethod: input.authMethod, jti: tokenId },
    expiresAt,
    {
      key,
      audience: input.audience,
      extra: tokenClaimsOf({
        orgId: identity.orgId,
        orgSlug: identity.orgSlug,
        identityName: identity.name,
        authMethod: input.authMethod,
        principal: input.origin,
      }),
    },
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
  return { row, claims: verified.claims, payload: verified.payload };
}

/** New expiry within the max TTL budget; a new JWT with the same id. */
export async function renewAccessToken(ctx: ServiceContext, { accessToken }: AccessTokenBody): Promise<AccessTokenResponse> {
  const { row, claims, payload } = await loadIdentityToken(ctx, accessToken);
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
  const key = ctx.rt.tokens.currentKey();
  const renewed = await write(ctx, { token: row.id }, (tx) => data.renewAccessToken(tx, row.id, expiresAt, key.id));
  if (!renewed) throw unauthorized(messages.tokenRevoked);
  await ctx.rt.audit.record(
    auditEvent(ctx, {
      orgId: claims.orgId,
      eventType: "renew-identity-access-token",
      actor: { type: "identity", id: row.identityId, name: null },
      metadata: { identityId: row.identityId, identityAccessTokenId: row.id },
    }),
  );
  // The same claims and audience as the token renewed, under the key that signs now.
  const accessTokenJwt = await ctx.rt.tokens.sign({ ...claims }, expiresAt, {
    key,
    audience: typeof payload.aud === "string" && payload.aud !== payload.iss ? payload.aud : undefined,
    extra: payload[OCIAUTH_CLAIM] === undefined ? await claimsOfRow(ctx, row) : { [OCIAUTH_CLAIM]: payload[OCIAUTH_CLAIM] },
  });
  return {
    accessToken: accessTokenJwt,
    expiresIn: expiresInSeconds(lifetime),
    accessTokenMaxTTL: row.accessTokenMaxTTL,
    tokenType: "Bearer",
  };
}

/** The namespaced claims of a token signed before they existed (a legacy token being renewed). */
async function claimsOfRow(ctx: ServiceContext, row: data.AccessTokenRow) {
  const state = await loadIdentityState(ctx, row.identityId);
  if (!state) throw unauthorized(messages.tokenRevoked);
  const { identity } = state;
  const principalType = z.enum(OCI_PRINCIPAL_TYPES).safeParse(row.ociPrincipalType);
  return tokenClaimsOf({
    orgId: identity.orgId,
    orgSlug: identity.orgSlug,
    identityName: identity.name,
    authMethod: row.authMethod,
    principal:
      principalType.success && row.ociPrincipalOcid && row.ociCompartmentOcid
        ? {
            principalType: principalType.data,
            principalOcid: row.ociPrincipalOcid,
            compartmentOcid: row.ociCompartmentOcid,
            region: row.ociRegion ?? "",
            userOcid: row.ociUserOcid,
            username: row.ociUsername,
          }
        : undefined,
  });
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
