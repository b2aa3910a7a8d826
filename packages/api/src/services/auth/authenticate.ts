import { consumeAccessTokenUse, findAccessToken, findUserById, findUserSession } from "@ociauth/db";
import { messages, orgRoleSchema } from "@ociauth/schema";
import type { Actor, AuthedContext, ServiceContext } from "../../core/context";
import { AppError, forbidden, tokenError, unauthorized } from "../../core/errors";
import { tokenRefusal } from "../tokens/token-fns";
import { loadTokenContext } from "./identity-state";
import { ipMatcherFor } from "./auth-cache";
import { tokenChecks } from "../../core/metrics";

/** Parses `Authorization: Bearer <token>`; everything after "Bearer " is the token (as Infisical). */
export function bearerToken(header: string | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim() || null;
}

/**
 * Resolves the caller from its Bearer token: a user session or an identity access token.
 * Missing → 401 "Token missing"; bad signature/malformed/expired → 403 TokenError; revoked or
 * over its use limit → 401; outside the identity's current trusted IPs → 403.
 */
export async function authenticate(ctx: ServiceContext): Promise<AuthedContext> {
  try {
    const authed = await checkToken(ctx);
    tokenChecks.inc({ outcome: "ok" });
    return authed;
  } catch (error) {
    tokenChecks.inc({ outcome: error instanceof AppError ? refusalOutcome(error) : "error" });
    throw error;
  }
}

/** A refusal's metric label, from the message it carries (a bounded set). */
function refusalOutcome(error: AppError): string {
  const byMessage: Record<string, string> = {
    [messages.tokenMissing]: "missing",
    [messages.tokenInvalid]: "invalid",
    [messages.tokenExpired]: "expired",
    [messages.tokenRevoked]: "revoked",
    [messages.tokenUsageLimit]: "exhausted",
    [messages.tokenForAnotherAudience]: "wrong_audience",
  };
  return byMessage[error.message] ?? (error.code === "FORBIDDEN" ? "forbidden" : "refused");
}

async function checkToken(ctx: ServiceContext): Promise<AuthedContext> {
  const token = bearerToken(ctx.meta.authorization);
  if (!token) throw unauthorized(messages.tokenMissing);
  const verified = await ctx.rt.tokens.verify(token);
  if (!verified.ok) throw tokenError(verified.reason === "expired" ? messages.tokenExpired : messages.tokenInvalid);
  // A token asked for another audience is for that service: it may be introspected, not used here.
  if (!verified.forThisService) throw tokenError(messages.tokenForAnotherAudience);
  const { claims } = verified;

  if (claims.authTokenType === "accessToken") {
    const session = await findUserSession(ctx.db, claims.jti);
    // Signed by us but without a row: the user was removed (their sessions with them). Revoked.
    if (!session) throw unauthorized(messages.tokenRevoked);
    if (session.userId !== claims.userId) throw tokenError(messages.tokenInvalid);
    if (session.revokedAt) throw unauthorized(messages.tokenRevoked);
    if (session.expiresAt.getTime() <= Date.now()) throw tokenError(messages.tokenExpired);
    const user = await findUserById(ctx.db, session.userId);
    if (!user) throw tokenError(messages.tokenInvalid);
    const actor: Actor = { type: "user", userId: user.id, email: user.email, sessionId: session.id };
    return { ...ctx, actor };
  }

  const found = await loadTokenContext(ctx, claims.jti);
  const row = found?.token;
  // Signed by us but without a row: its identity was deleted (its tokens with it). Revoked, like any other.
  if (!row) throw unauthorized(messages.tokenRevoked);
  if (row.identityId !== claims.identityId) throw tokenError(messages.tokenInvalid);
  const state = found.state;
  if (!state) throw tokenError(messages.tokenInvalid);
  const { identity } = state;
  // Trusted IPs are those of the current config, so changing them applies to tokens already issued.
  const allowsIp = ipMatcherFor(state, row.authMethod);
  const refusal = tokenRefusal(row, { now: Date.now(), allowsIp, ip: ctx.meta.ip });
  if (refusal === "revoked") throw unauthorized(messages.tokenRevoked);
  if (refusal === "expired") throw tokenError(messages.tokenExpired);
  if (refusal === "exhausted") throw unauthorized(messages.tokenUsageLimit);
  if (refusal === "ip-not-allowed") throw forbidden(messages.ipNotAllowedFrom(ctx.meta.ip));

  if (row.accessTokenNumUsesLimit === 0) {
    ctx.rt.usage.record(row.id, ctx.meta.ip);
  } else if (!(await consumeAccessTokenUse(ctx.db, row.id, ctx.meta.ip))) {
    // Counted atomically in the database: N concurrent uses of a token limited to N all pass.
    const latest = await findAccessToken(ctx.db, row.id);
    throw unauthorized(latest?.revokedAt ? messages.tokenRevoked : messages.tokenUsageLimit);
  }

  const role = orgRoleSchema.safeParse(identity.role);
  if (!role.success) throw new AppError("FORBIDDEN", "Identity has an unknown role");
  const actor: Actor = {
    type: "identity",
    identityId: identity.id,
    name: identity.name,
    orgId: identity.orgId,
    role: role.data,
    tokenId: row.id,
    authMethod: row.authMethod,
  };
  return { ...ctx, actor };
}
