import { authCacheLookups } from "../../core/metrics";
import type { AccessTokenAuthRow, IdentityWithOciAuth } from "@ociauth/db";
import { createIpMatcher } from "./trusted-ips-fns";

/** Safety net on top of change notifications: no entry is older than this. */
const MAX_AGE_MS = 30_000;
const MAX_ENTRIES = 50_000;

export interface IdentityState {
  identity: IdentityWithOciAuth;
  /** Matcher of the OCI auth config's trusted IPs, built once per loaded config. */
  allowsIp: ((ip: string | null) => boolean) | null;
  /** The same for the Token Auth config. */
  tokenAuthAllowsIp: ((ip: string | null) => boolean) | null;
}

/**
 * The trusted-IP matcher a token of this auth method is held to now: undefined for a method
 * without trusted IPs (the bootstrap token), null when its config is gone (the token counts as revoked).
 */
export function ipMatcherFor(state: IdentityState, authMethod: string) {
  if (authMethod === "oci-auth") return state.identity.ociAuth ? state.allowsIp : null;
  if (authMethod === "token-auth") return state.identity.tokenAuth ? state.tokenAuthAllowsIp : null;
  return undefined;
}

interface Entry<T> {
  value: T;
  loadedAt: number;
}

/**
 * Per-process cache of what authenticating a request reads: token rows and identities with their
 * OCI auth config. Entries are dropped when the database announces a change (NOTIFY from
 * triggers, for writes of any instance), right after this instance's own writes, on a feed
 * reconnect, and after MAX_AGE_MS. A load that raced with a drop is not stored.
 *
 * Nothing is served from the cache while `isFresh()` is false (the change feed cannot prove it
 * delivered every change of the last moments): reads go to the database then, so a revocation
 * made on another instance holds within the feed's freshness window even when the feed stalls.
 */
export class AuthCache {
  private readonly tokens = new Map<string, Entry<AccessTokenAuthRow | null>>();
  private readonly identities = new Map<string, Entry<IdentityState | null>>();
  private generation = 0;

  constructor(private readonly isFresh: () => boolean = () => true) {}

  identity(id: string, load: () => Promise<IdentityWithOciAuth | null>) {
    return this.read(this.identities, id, async () => toIdentityState(await load()));
  }

  /**
   * A token and its identity. On a miss of both, `loadBoth` reads them together (one query)
   * and both are cached.
   */
  async tokenContext(
    tokenId: string,
    loadBoth: () => Promise<{ token: AccessTokenAuthRow; identity: IdentityWithOciAuth } | null>,
    loadIdentity: (identityId: string) => Promise<IdentityWithOciAuth | null>,
  ): Promise<{ token: AccessTokenAuthRow; state: IdentityState | null } | null> {
    const now = Date.now();
    if (!this.isFresh()) {
      authCacheLookups.inc({ result: "bypass" });
      const both = await loadBoth();
      return both ? { token: both.token, state: toIdentityState(both.identity) } : null;
    }
    const hit = this.tokens.get(tokenId);
    if (hit && now - hit.loadedAt < MAX_AGE_MS) {
      authCacheLookups.inc({ result: "hit" });
      if (!hit.value) return null;
      const token = hit.value;
      return { token, state: await this.identity(token.identityId, () => loadIdentity(token.identityId)) };
    }
    authCacheLookups.inc({ result: "miss" });
    const generation = this.generation;
    const both = await loadBoth();
    const state = both ? toIdentityState(both.identity) : null;
    if (generation === this.generation) {
      this.store(this.tokens, tokenId, both?.token ?? null, now);
      if (both) this.store(this.identities, both.identity.id, state, now);
    }
    return both ? { token: both.token, state } : null;
  }

  /** `identity:<id>`, `token:<id>` or `organization:<id>` (a new slug), as sent by the change feed. */
  onChange(payload: string) {
    const [kind, id] = payload.split(":");
    if (kind === "identity" && id) this.evictIdentity(id);
    else if (kind === "token" && id) this.evictToken(id);
    else if (kind === "organization" && id) this.evictOrganization(id);
  }

  evictOrganization(orgId: string) {
    this.generation++;
    for (const [id, entry] of this.identities) if (entry.value?.identity.orgId === orgId) this.identities.delete(id);
  }

  evictIdentity(id: string) {
    this.generation++;
    this.identities.delete(id);
  }

  evictToken(id: string) {
    this.generation++;
    this.tokens.delete(id);
  }

  /** Tokens of an identity (e.g. all revoked when its OCI auth was detached). */
  evictTokensOf(identityId: string) {
    this.generation++;
    for (const [id, entry] of this.tokens) if (entry.value?.identityId === identityId) this.tokens.delete(id);
  }

  clear() {
    this.generation++;
    this.tokens.clear();
    this.identities.clear();
  }

  private async read<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.isFresh()) {
      authCacheLookups.inc({ result: "bypass" });
      return load();
    }
    const hit = map.get(key);
    const now = Date.now();
    if (hit && now - hit.loadedAt < MAX_AGE_MS) {
      authCacheLookups.inc({ result: "hit" });
      return hit.value;
    }
    authCacheLookups.inc({ result: "miss" });
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) this.store(map, key, value, now);
    return value;
  }

  private store<T>(map: Map<string, Entry<T>>, key: string, value: T, loadedAt: number) {
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
    map.set(key, { value, loadedAt });
  }
}

/** An identity with the matchers of its auth configs' trusted IPs, built once per load. */
export function toIdentityState(identity: IdentityWithOciAuth | null): IdentityState | null {
  if (!identity) return null;
  const ips = identity.ociAuth?.accessTokenTrustedIps;
  const tokenAuthIps = identity.tokenAuth?.accessTokenTrustedIps;
  return {
    identity,
    allowsIp: ips ? createIpMatcher(ips) : null,
    tokenAuthAllowsIp: tokenAuthIps ? createIpMatcher(tokenAuthIps) : null,
  };
}
