import * as data from "@ociauth/db";
import type { AccessTokenRow } from "@ociauth/db";
import type {
  AccessTokenStatus,
  IdentityAccessToken,
  ListIdentityAccessTokensInput,
  RevokeAccessTokenByIdInput,
  TrustedIp,
} from "@ociauth/schema";
import type { AuthedContext } from "../../context";
import { AppError, badRequest, notFound } from "../../errors";
import { hotPathFor } from "../../hot-path";
import { recordAudit } from "../audit/audit-service";
import { forgetToken } from "../auth/identity-state";
import { loadIdentityFor } from "../auth/permissions";

export const accessTokenNotFound = (tokenId: string) => `Failed to find access token with ID ${tokenId}`;
export const ACCESS_TOKEN_ALREADY_REVOKED = "The access token has already been revoked";

/** Revoked wins over expired, expired over exhausted: the reason a token no longer works. */
export function accessTokenStatus(row: AccessTokenRow, now = Date.now()): AccessTokenStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now) return "expired";
  if (row.accessTokenNumUsesLimit > 0 && row.accessTokenNumUses >= row.accessTokenNumUsesLimit) return "exhausted";
  return "active";
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
    revokedAt: iso(row.revokedAt),
    accessTokenTTL: row.accessTokenTTL,
    accessTokenMaxTTL: row.accessTokenMaxTTL,
    accessTokenNumUses: row.accessTokenNumUses,
    accessTokenNumUsesLimit: row.accessTokenNumUsesLimit,
    trustedIps,
  };
}

/** OCI auth tokens are bound to the identity's current trusted IPs (read live on every use); others are not. */
async function trustedIpsResolver(db: data.DbClient, identityId: string) {
  const config = await data.findOciAuth(db, identityId);
  const ociIps = config ? (config.accessTokenTrustedIps as unknown as TrustedIp[]) : [];
  return (row: AccessTokenRow) => (row.authMethod === "oci-auth" ? ociIps : null);
}

/** The identity's issued tokens, newest first (viewer and up). */
export async function listIdentityAccessTokens(ctx: AuthedContext, { identityId, limit }: ListIdentityAccessTokensInput) {
  await loadIdentityFor(ctx, identityId, "read");
  // Uses of unlimited tokens are counted in batches (about once a second): store this instance's first.
  await hotPathFor(ctx.db)?.usage.flush();
  const [rows, trustedIpsOf] = await Promise.all([
    data.listAccessTokens(ctx.db, identityId, limit),
    trustedIpsResolver(ctx.db, identityId),
  ]);
  return { tokens: rows.map((row) => toAccessTokenDto(row, trustedIpsOf(row))) };
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
  const revoked = await ctx.db.$transaction(async (tx) => {
    if (!(await data.revokeAccessToken(tx, row.id))) throw badRequest(ACCESS_TOKEN_ALREADY_REVOKED);
    await recordAudit(tx, ctx.meta, ctx.actor, {
      orgId,
      eventType: "revoke-identity-access-token",
      metadata: { identityId: row.identityId, identityAccessTokenId: row.id, authMethod: row.authMethod },
    });
    return data.findAccessToken(tx, row.id);
  });
  forgetToken(ctx, row.id); // this instance's auth cache; other instances hear the database's change notification
  if (!revoked) throw notFound(accessTokenNotFound(tokenId)); // the identity was deleted meanwhile
  const trustedIpsOf = await trustedIpsResolver(ctx.db, row.identityId);
  return { token: toAccessTokenDto(revoked, trustedIpsOf(revoked)) };
}
