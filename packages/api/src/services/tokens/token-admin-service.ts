import { budgetedPage } from "../pages/page-budget-fns";
import * as data from "@ociauth/db";
import type { AccessTokenRow } from "@ociauth/db";
import {
  type AccessTokenStatus,
  type IdentityAccessToken,
  type ListIdentityAccessTokensInput,
  OCI_PRINCIPAL_TYPES,
  type OciPrincipalType,
  type RevokeAccessTokenByIdInput,
  type RevokeAllAccessTokensInput,
  type TrustedIp,
} from "@ociauth/schema";
import type { AuthedContext } from "../../core/context";
import { AppError, badRequest, notFound } from "../../core/errors";
import { auditEvent } from "../audit/audit-service";
import { write } from "../writes";
import { tokenRefusal } from "./token-fns";
import { loadIdentityFor } from "../auth/permissions";

export const accessTokenNotFound = (tokenId: string) => `Failed to find access token with ID ${tokenId}`;
export const ACCESS_TOKEN_ALREADY_REVOKED = "The access token has already been revoked";

/** The reason a token no longer works (its address aside), or active. */
export function accessTokenStatus(row: AccessTokenRow, now = Date.now()): AccessTokenStatus {
  const refusal = tokenRefusal(row, { now });
  return refusal === null || refusal === "ip-not-allowed" ? "active" : refusal;
}

function parsePrincipalType(stored: string | null): OciPrincipalType | null {
  return OCI_PRINCIPAL_TYPES.find((type) => type === stored) ?? null;
}

export function toAccessTokenDto(row: AccessTokenRow, trustedIps: TrustedIp[] | null): IdentityAccessToken {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: row.id,
    identityId: row.identityId,
    authMethod: row.authMethod,
    status: accessTokenStatus(row),
    createdAt: row.createdAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    lastRenewedAt: iso(row.lastRenewedAt),
    lastUsedAt: iso(row.lastUsedAt),
    lastUsedIp: row.lastUsedIp,
    ociUserOcid: row.ociUserOcid,
    ociUsername: row.ociUsername,
    loginIp: row.loginIp,
    ociPrincipalType: parsePrincipalType(row.ociPrincipalType),
    ociPrincipalOcid: row.ociPrincipalOcid,
    ociCompartmentOcid: row.ociCompartmentOcid,
    ociRegion: row.ociRegion,
    revokedAt: iso(row.revokedAt),
    accessTokenTTL: row.accessTokenTTL,
    accessTokenMaxTTL: row.accessTokenMaxTTL,
    accessTokenNumUses: row.accessTokenNumUses,
    accessTokenNumUsesLimit: row.accessTokenNumUsesLimit,
    trustedIps,
  };
}

/** OCI auth and Token Auth tokens are bound to their config's current trusted IPs (read live on every use); others are not. */
async function trustedIpsResolver(db: data.DbClient, identityId: string) {
  const [config, tokenAuth] = await Promise.all([data.findOciAuth(db, identityId), data.findTokenAuth(db, identityId)]);
  const ociIps = config ? config.accessTokenTrustedIps : [];
  const tokenAuthIps = tokenAuth ? tokenAuth.accessTokenTrustedIps : [];
  return (row: AccessTokenRow) => (row.authMethod === "oci-auth" ? ociIps : row.authMethod === "token-auth" ? tokenAuthIps : null);
}

/** The identity's issued tokens, newest first (viewer and up). */
export async function listIdentityAccessTokens(ctx: AuthedContext, { identityId, limit, status, offset }: ListIdentityAccessTokensInput) {
  await loadIdentityFor(ctx, identityId, "read");
  // Uses of unlimited tokens are counted in batches (about once a second): store this instance's first.
  await ctx.rt.usage.flush();
  const [rows, trustedIpsOf] = await Promise.all([
    // One more than the limit: whether a next page exists.
    data.listAccessTokens(ctx.db, identityId, limit + 1, status, offset),
    trustedIpsResolver(ctx.db, identityId),
  ]);
  const tokens = rows.map((row) => toAccessTokenDto(row, trustedIpsOf(row)));
  const { rows: page, ...continuation } = budgetedPage(tokens, { offset, limit, total: offset + tokens.length });
  return { tokens: page, ...continuation };
}

/**
 * Revokes one token by its id (member and up, within the permission boundary). A token of an
 * identity the actor cannot see is 404, like an unknown one; revoking twice is 400.
 */
export async function revokeAccessTokenById(ctx: AuthedContext, { tokenId }: RevokeAccessTokenByIdInput) {
  const row = await data.findAccessToken(ctx.db, tokenId);
  if (!row) throw notFound(accessTokenNotFound(tokenId));
  let orgId: string;
  try {
    ({
      identity: { orgId },
    } = await loadIdentityFor(ctx, row.identityId, "edit", "revoke access token of"));
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") throw notFound(accessTokenNotFound(tokenId));
    throw error;
  }
  const revoked = await write(ctx, { token: row.id }, async (tx) => {
    if (!(await data.revokeAccessToken(tx, row.id))) throw badRequest(ACCESS_TOKEN_ALREADY_REVOKED);
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId,
        eventType: "revoke-identity-access-token",
        metadata: { identityId: row.identityId, identityAccessTokenId: row.id, authMethod: row.authMethod },
      }),
    );
    return data.findAccessToken(tx, row.id);
  });
  if (!revoked) throw notFound(accessTokenNotFound(tokenId)); // the identity was deleted meanwhile
  const trustedIpsOf = await trustedIpsResolver(ctx.db, row.identityId);
  return { token: toAccessTokenDto(revoked, trustedIpsOf(revoked)) };
}

/**
 * Revokes every token of the identity that is not revoked yet (member and up, within the
 * permission boundary), in one statement: each revoked row is announced on the change feed, so
 * every instance refuses them, like single revocations. Writes one
 * `revoke-all-identity-access-tokens` event with the count; nothing to revoke is not an error.
 */
export async function revokeAllAccessTokens(ctx: AuthedContext, { identityId }: RevokeAllAccessTokensInput) {
  const {
    identity: { orgId },
  } = await loadIdentityFor(ctx, identityId, "edit", "revoke access tokens of");
  const revokedCount = await write(ctx, { tokensOfIdentity: identityId }, async (tx) => {
    const count = await data.revokeAllAccessTokens(tx, identityId);
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, { orgId, eventType: "revoke-all-identity-access-tokens", metadata: { identityId, revokedCount: count } }),
    );
    return count;
  });
  return { revokedCount };
}
