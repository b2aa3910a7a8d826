import * as data from "@ociauth/db";
import {
  type AttachTokenAuthInput,
  type CreateTokenAuthTokenInput,
  type IdentityIdParams,
  type ListTokenAuthTokensInput,
  messages,
  type RevokeTokenAuthTokenInput,
  type TokenIdParams,
  ttlWithinMax,
  type UpdateTokenAuthInput,
  type UpdateTokenAuthTokenInput,
} from "@ociauth/schema";
import type { AuthedContext } from "../../core/context";
import { AppError, badRequest, notFound, validationError } from "../../core/errors";
import { auditDiff } from "../audit/audit-diff";
import { auditEvent, describeActor } from "../audit/audit-service";
import { loadIdentityFor } from "../auth/permissions";
import { toStoredTrustedIps } from "../oci-auth/oci-auth-fns";
import { budgetedPage } from "../pages/page-budget-fns";
import { issueAccessToken } from "../tokens/token-service";
import { write } from "../writes";
import { toTokenAuthDto, toTokenAuthTokenDto, tokenAuthAuditMetadata } from "./token-auth-fns";

const notAttached = () => badRequest(messages.tokenAuthNotAttached);
const ttlAboveMax = () => validationError([{ code: "custom", path: ["accessTokenTTL"], message: messages.ttlAboveMax }]);

export async function attachTokenAuth(ctx: AuthedContext, { identityId, ...body }: AttachTokenAuthInput) {
  const { identity } = await loadIdentityFor(ctx, identityId, "create", "attach Token Auth to");
  if (identity.tokenAuth) throw badRequest(messages.tokenAuthAlreadyAttached);
  try {
    return await write(ctx, { identity: identityId }, async (tx) => {
      const row = await data.insertTokenAuth(tx, identityId, {
        ...body,
        accessTokenTrustedIps: toStoredTrustedIps(body.accessTokenTrustedIps),
      });
      const dto = toTokenAuthDto(row);
      await ctx.rt.audit.recordIn(
        tx,
        auditEvent(ctx, { orgId: identity.orgId, eventType: "add-identity-token-auth", metadata: tokenAuthAuditMetadata(dto) }),
      );
      return { identityTokenAuth: dto };
    });
  } catch (error) {
    // Concurrent attaches: the unique identityId lets exactly one insert win.
    if (data.isUniqueViolation(error)) throw badRequest(messages.tokenAuthAlreadyAttached);
    if (data.isMissingRowError(error)) throw notFound(messages.identityNotFound(identityId));
    throw error;
  }
}

export async function getTokenAuth(ctx: AuthedContext, { identityId }: IdentityIdParams) {
  const { identity } = await loadIdentityFor(ctx, identityId, "read");
  const row = await data.findTokenAuth(ctx.db, identityId);
  if (!row) throw notFound(messages.tokenAuthConfigNotFound);
  await ctx.rt.audit.record(auditEvent(ctx, { orgId: identity.orgId, eventType: "get-identity-token-auth", metadata: { identityId } }));
  return { identityTokenAuth: toTokenAuthDto(row) };
}

export async function updateTokenAuth(ctx: AuthedContext, { identityId, ...patch }: UpdateTokenAuthInput) {
  const { identity } = await loadIdentityFor(ctx, identityId, "edit", "update Token Auth of");
  return write(ctx, { identity: identityId }, async (tx) => {
    const current = await data.findTokenAuth(tx, identityId);
    if (!current) throw notAttached();
    const merged = {
      accessTokenTTL: patch.accessTokenTTL ?? current.accessTokenTTL,
      accessTokenMaxTTL: patch.accessTokenMaxTTL ?? current.accessTokenMaxTTL,
    };
    if (!ttlWithinMax(merged)) throw ttlAboveMax();
    const { accessTokenTrustedIps, ...rest } = patch;
    const row = await data.updateTokenAuth(tx, identityId, {
      ...rest,
      ...(accessTokenTrustedIps ? { accessTokenTrustedIps: toStoredTrustedIps(accessTokenTrustedIps) } : {}),
    });
    if (!row) throw notAttached();
    // A concurrent update may have changed max TTL between our read and write: re-check the result.
    if (!ttlWithinMax(row)) throw ttlAboveMax();
    const dto = toTokenAuthDto(row);
    const { identityId: _before, ...before } = tokenAuthAuditMetadata(toTokenAuthDto(current));
    const { identityId: _after, ...after } = tokenAuthAuditMetadata(dto);
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: identity.orgId,
        eventType: "update-identity-token-auth",
        metadata: { ...tokenAuthAuditMetadata(dto), ...auditDiff(before, after) },
      }),
    );
    return { identityTokenAuth: dto };
  });
}

/** Deletes the config and revokes every token it minted. */
export async function revokeTokenAuth(ctx: AuthedContext, { identityId }: IdentityIdParams) {
  const { identity } = await loadIdentityFor(ctx, identityId, "edit", "revoke Token Auth of");
  return write(ctx, { identity: identityId, tokensOfIdentity: identityId }, async (tx) => {
    const row = await data.deleteTokenAuth(tx, identityId);
    if (!row) throw notAttached();
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, { orgId: identity.orgId, eventType: "revoke-identity-token-auth", metadata: { identityId } }),
    );
    return { identityTokenAuth: toTokenAuthDto(row) };
  });
}

/**
 * Mints an access token for the identity (member and up, within the permission boundary: nobody
 * mints a token more privileged than themselves). The token is shown in this answer only.
 */
export async function createTokenAuthToken(ctx: AuthedContext, { identityId, name }: CreateTokenAuthTokenInput) {
  const { identity } = await loadIdentityFor(ctx, identityId, "edit", "create token for");
  const config = await data.findTokenAuth(ctx.db, identityId);
  if (!config) throw notAttached();
  let tokenId = "";
  const issued = await issueAccessToken(
    ctx,
    {
      identity,
      authMethod: data.TOKEN_AUTH_METHOD,
      ttl: config.accessTokenTTL,
      maxTtl: config.accessTokenMaxTTL,
      numUsesLimit: config.accessTokenNumUsesLimit,
      name: name ?? null,
    },
    (id) => {
      tokenId = id;
      return {
        orgId: identity.orgId,
        eventType: "create-token-identity-token-auth",
        actor: describeActor(ctx.actor),
        metadata: { identityId, identityAccessTokenId: id },
      };
    },
  );
  const row = await data.findAccessToken(ctx.db, tokenId);
  // Issued, then gone at once: the identity was deleted meanwhile.
  if (!row) throw notFound(messages.identityNotFound(identityId));
  return { ...issued, tokenData: toTokenAuthTokenDto(row) };
}

export async function listTokenAuthTokens(ctx: AuthedContext, { identityId, offset, limit }: ListTokenAuthTokensInput) {
  const { identity } = await loadIdentityFor(ctx, identityId, "read");
  if (!(await data.findTokenAuth(ctx.db, identityId))) throw notAttached();
  // Uses of unlimited tokens are counted in batches: store this instance's first.
  await ctx.rt.usage.flush();
  // One more than the limit: whether a next page exists.
  const rows = await data.listTokenAuthTokens(ctx.db, identityId, limit + 1, offset);
  const tokens = rows.map(toTokenAuthTokenDto);
  await ctx.rt.audit.record(
    auditEvent(ctx, { orgId: identity.orgId, eventType: "get-tokens-identity-token-auth", metadata: { identityId } }),
  );
  const { rows: page, ...continuation } = budgetedPage(tokens, { offset, limit, total: offset + tokens.length });
  return { tokens: page, ...continuation };
}

/** One token (no secret), as Infisical's Terraform provider reads a token it manages. */
export async function getTokenAuthToken(ctx: AuthedContext, { tokenId }: TokenIdParams) {
  const missing = () => notFound(messages.tokenAuthTokenNotFound(tokenId));
  // Uses of unlimited tokens are counted in batches: store this instance's first.
  await ctx.rt.usage.flush();
  const { row, identity } = await loadTokenFor(ctx, tokenId, "read token of", missing, "read");
  await ctx.rt.audit.record(
    auditEvent(ctx, {
      orgId: identity.orgId,
      eventType: "get-tokens-identity-token-auth",
      metadata: { identityId: row.identityId, tokenId },
    }),
  );
  return { token: toTokenAuthTokenDto(row) };
}

/** The Token Auth token and its identity, if the actor may `operation` it; anything else reads as `missing`. */
async function loadTokenFor(
  ctx: AuthedContext,
  tokenId: string,
  operation: string,
  missing: () => AppError,
  action: "read" | "edit" = "edit",
) {
  const row = await data.findAccessToken(ctx.db, tokenId);
  if (!row || row.authMethod !== data.TOKEN_AUTH_METHOD) throw missing();
  try {
    const { identity } = await loadIdentityFor(ctx, row.identityId, action, operation);
    return { row, identity };
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") throw missing();
    throw error;
  }
}

/** Renames a token; an omitted name leaves it as it is. */
export async function updateTokenAuthToken(ctx: AuthedContext, { tokenId, name }: UpdateTokenAuthTokenInput) {
  const missing = () => notFound(messages.tokenAuthTokenNotFound(tokenId));
  const { row, identity } = await loadTokenFor(ctx, tokenId, "update token for", missing);
  if (!identity.tokenAuth) throw notAttached();
  if (name === undefined) return { token: toTokenAuthTokenDto(row) };
  const renamed = await write(ctx, { token: tokenId }, async (tx) => {
    const updated = await data.renameTokenAuthToken(tx, tokenId, name);
    if (!updated) throw missing();
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: identity.orgId,
        eventType: "update-token-identity-token-auth",
        metadata: { identityId: row.identityId, tokenId, name },
      }),
    );
    return updated;
  });
  return { token: toTokenAuthTokenDto(renamed) };
}

/** Revokes one token: refused on every instance from then on (the change feed). */
export async function revokeTokenAuthToken(ctx: AuthedContext, { tokenId, identityId }: RevokeTokenAuthTokenInput) {
  const missing = () => notFound(messages.tokenAuthTokenNotFoundOrRevoked(tokenId));
  const { row, identity } = await loadTokenFor(ctx, tokenId, "revoke token of", missing);
  if (row.revokedAt || (identityId !== undefined && identityId !== row.identityId)) throw missing();
  await write(ctx, { token: tokenId }, async (tx) => {
    if (!(await data.revokeAccessToken(tx, tokenId))) throw missing();
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: identity.orgId,
        eventType: "revoke-token-identity-token-auth",
        metadata: { identityId: row.identityId, identityAccessTokenId: tokenId },
      }),
    );
  });
  return { message: messages.tokenRevokedMessage };
}
