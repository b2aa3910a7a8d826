import { type AccessTokenAuthRow, findIdentityWithOciAuth, findTokenAuthContext } from "@ociauth/db";
import type { ServiceContext } from "../../core/context";
import type { IdentityState } from "./auth-cache";

/** An identity with its OCI auth config, through the runtime's auth cache. */
export function loadIdentityState(ctx: ServiceContext, identityId: string): Promise<IdentityState | null> {
  return ctx.rt.authCache.identity(identityId, () => findIdentityWithOciAuth(ctx.db, identityId));
}

/** A token with its identity (and OCI auth config): cached, else one query for all three. */
export function loadTokenContext(
  ctx: ServiceContext,
  tokenId: string,
): Promise<{ token: AccessTokenAuthRow; state: IdentityState | null } | null> {
  return ctx.rt.authCache.tokenContext(
    tokenId,
    () => findTokenAuthContext(ctx.db, tokenId),
    (identityId) => findIdentityWithOciAuth(ctx.db, identityId),
  );
}
