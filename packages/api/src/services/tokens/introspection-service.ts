import * as data from "@ociauth/db";
import {
  type IntrospectionRequest,
  type IntrospectionResponse,
  messages,
  OCIAUTH_CLAIM,
  ociauthClaimsSchema,
  type OrgRole,
  roleAllows,
} from "@ociauth/schema";
import type { JWTPayload } from "jose";
import type { AuthedContext } from "../../core/context";
import { AppError } from "../../core/errors";
import { ipMatcherFor } from "../auth/auth-cache";
import { loadTokenContext } from "../auth/identity-state";
import { storedRole } from "../auth/permissions";
import { tokenClaimsOf } from "./token-claims-fns";
import { tokenRefusal } from "./token-fns";

const INACTIVE = { active: false } as const;

/**
 * The organizations whose tokens the caller may introspect: an identity its own, a user those it
 * is at least a viewer in. A caller that may read in none is refused (403), whatever the token.
 */
async function introspectableOrgs(ctx: AuthedContext): Promise<Set<string>> {
  const { actor } = ctx;
  const roles: { orgId: string; role: OrgRole }[] =
    actor.type === "identity"
      ? [{ orgId: actor.orgId, role: actor.role }]
      : (await data.listMembershipsOfUser(ctx.db, actor.userId)).map((m) => ({ orgId: m.orgId, role: storedRole(m.role) }));
  const readable = new Set(roles.filter(({ role }) => roleAllows(role, "read")).map(({ orgId }) => orgId));
  if (readable.size === 0) {
    throw new AppError("PERMISSION_DENIED", messages.introspectionNeedsViewer, [
      { action: "read", subject: "identity", inverted: false, conditions: null },
    ]);
  }
  return readable;
}

/**
 * RFC 7662 introspection by a resource server, authenticated with its own token. Anything that
 * cannot be used now (not an identity access token, bad signature, expired, revoked, exhausted,
 * another organization's, outside its trusted IPs) is `{active: false}`, nothing more. An active
 * answer counts one use of the token, exactly as presenting it to this API does, so a use limit
 * holds wherever the token goes.
 *
 * Trusted IPs are checked against `client_ip` (where the resource server saw the token). A token
 * whose auth method restricts addresses, introspected without `client_ip`, cannot be checked and
 * is answered inactive; an auth method that allows every address needs no `client_ip`.
 */
export async function introspectToken(ctx: AuthedContext, input: IntrospectionRequest): Promise<IntrospectionResponse> {
  const readable = await introspectableOrgs(ctx);
  const verified = await ctx.rt.tokens.verify(input.token);
  if (!verified.ok || verified.claims.authTokenType !== "identityAccessToken") return INACTIVE;
  const { claims, payload } = verified;
  const found = await loadTokenContext(ctx, claims.jti);
  const row = found?.token;
  const state = found?.state;
  if (!row || !state || row.identityId !== claims.identityId) return INACTIVE;
  const { identity } = state;
  if (!readable.has(identity.orgId)) return INACTIVE;

  const clientIp = input.client_ip ?? null;
  const refusal = tokenRefusal(row, { now: Date.now(), allowsIp: ipMatcherFor(state, row.authMethod), ip: clientIp });
  if (refusal !== null) return INACTIVE;

  let remainingUses: number | null = null;
  if (row.accessTokenNumUsesLimit === 0) {
    ctx.rt.usage.record(row.id, clientIp);
  } else {
    const uses = await data.consumeAccessTokenUseCounted(ctx.db, row.id, clientIp);
    if (uses === null) return INACTIVE;
    remainingUses = Math.max(0, row.accessTokenNumUsesLimit - uses);
  }

  // Tokens from before signing keys (HS256) carry fewer claims: the rest is filled from what they name.
  const ociauth = ociauthClaimsSchema.safeParse(payload[OCIAUTH_CLAIM]);
  const iat = typeof payload.iat === "number" ? payload.iat : Math.floor(Date.now() / 1000);
  return {
    active: true,
    iss: String(payload.iss),
    sub: typeof payload.sub === "string" ? payload.sub : identity.id,
    aud: audienceOf(payload) ?? ctx.rt.tokens.issuer,
    iat,
    nbf: typeof payload.nbf === "number" ? payload.nbf : iat,
    ...(typeof payload.exp === "number" ? { exp: payload.exp } : {}),
    jti: claims.jti,
    [OCIAUTH_CLAIM]: ociauth.success
      ? ociauth.data
      : tokenClaimsOf({ orgId: identity.orgId, orgSlug: identity.orgSlug, identityName: identity.name, authMethod: row.authMethod })[
          OCIAUTH_CLAIM
        ],
    token_type: "Bearer",
    remaining_uses: remainingUses,
  };
}

const audienceOf = (payload: JWTPayload): string | undefined => (typeof payload.aud === "string" ? payload.aud : payload.aud?.[0]);
