import { type AccessTokenAuthRow, findIdentityWithOciAuth, findTokenAuthContext } from "@ociauth/db";
import type { ServiceContext } from "../../context";
import { hotPathFor } from "../../hot-path";
import { type IdentityState, toIdentityState } from "./auth-cache";

/** An identity with its OCI auth config, from the hot-path cache when there is one. */
export function loadIdentityState(ctx: ServiceContext, identityId: string): Promise<IdentityState | null> {
  const load = () => findIdentityWithOciAuth(ctx.db, identityId);
  const cache = hotPathFor(ctx.db)?.cache;
  if (cache) return cache.identity(identityId, load);
  return load().then(toIdentityState);
}

/** A token with its identity (and OCI auth config): cached, else one query for all three. */
export async function loadTokenContext(
  ctx: ServiceContext,
  tokenId: string,
): Promise<{ token: AccessTokenAuthRow; state: IdentityState | null } | null> {
  const loadBoth = () => findTokenAuthContext(ctx.db, tokenId);
  const cache = hotPathFor(ctx.db)?.cache;
  if (cache) return cache.tokenContext(tokenId, loadBoth, (identityId) => findIdentityWithOciAuth(ctx.db, identityId));
  const both = await loadBoth();
  return both ? { token: both.token, state: toIdentityState(both.identity) } : null;
}

/** After this instance's own committed writes: drop what it cached (other instances hear NOTIFY). */
export function forgetIdentity(ctx: ServiceContext, identityId: string, options: { andItsTokens?: boolean } = {}) {
  const cache = hotPathFor(ctx.db)?.cache;
  cache?.evictIdentity(identityId);
  if (options.andItsTokens) cache?.evictTokensOf(identityId);
}

export function forgetToken(ctx: ServiceContext, tokenId: string) {
  hotPathFor(ctx.db)?.cache.evictToken(tokenId);
}
