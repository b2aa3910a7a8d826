import type { DbTransaction } from "@ociauth/db";
import type { ServiceContext } from "../core/context";

/** What a write changes, so this instance's auth cache forgets it (other instances hear the change feed). */
export interface Changes {
  identity?: string;
  /** Every token of this identity (revoked with its auth method, or deleted with it). */
  tokensOfIdentity?: string;
  token?: string;
}

/**
 * Every write of a service goes through here: one transaction, then this instance's cached
 * copies of what it changed are dropped (also when the transaction failed: a dropped entry is
 * only reloaded).
 */
export async function write<T>(ctx: ServiceContext, changes: Changes, work: (tx: DbTransaction) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.$transaction(work);
  } finally {
    const cache = ctx.rt.authCache;
    if (changes.identity) cache.evictIdentity(changes.identity);
    if (changes.tokensOfIdentity) cache.evictTokensOf(changes.tokensOfIdentity);
    if (changes.token) cache.evictToken(changes.token);
  }
}
