/**
 * Lifetime of an access token issued or renewed at `nowMs`: min(TTL or ∞, remaining max TTL
 * budget counted from creation). null = no expiry (TTL 0 and max TTL 0: bootstrap token).
 * Milliseconds, so a budget under a second is seen as spent.
 */
export function tokenLifetimeMs(input: { ttl: number; maxTtl: number; createdAtMs: number; nowMs: number }): number | null {
  const byTtl = input.ttl > 0 ? input.ttl * 1000 : Infinity;
  const byMax = input.maxTtl > 0 ? input.createdAtMs + input.maxTtl * 1000 - input.nowMs : Infinity;
  const lifetime = Math.min(byTtl, byMax);
  return Number.isFinite(lifetime) ? Math.max(0, lifetime) : null;
}

/** `expiresIn` in whole seconds (what clients see). */
export const expiresInSeconds = (lifetimeMs: number | null) => (lifetimeMs === null ? 0 : Math.floor(lifetimeMs / 1000));

/** Why a token cannot be used: what authenticate, renew and the dashboard's status all go by. */
export type TokenRefusal = "revoked" | "expired" | "exhausted" | "ip-not-allowed";

export interface TokenFacts {
  revokedAt: Date | null;
  expiresAt: Date | null;
  /** Absent where the count is not known here (authenticate counts uses atomically in the database). */
  accessTokenNumUses?: number;
  accessTokenNumUsesLimit: number;
}

/**
 * The one rule of token usability: null when the token may be used now, else why not. Revoked
 * wins over expired, expired over exhausted, exhausted over the caller's address.
 * `allowsIp` is the trusted-IP matcher of the token's auth method config as it is now: null when
 * that config is gone (an OCI token whose OCI auth was detached counts as revoked), undefined
 * when the auth method has no trusted IPs. Without `ip`, the address is not checked.
 */
export function tokenRefusal(
  token: TokenFacts,
  at: { now: number; allowsIp?: ((ip: string | null) => boolean) | null; ip?: string | null },
): TokenRefusal | null {
  if (token.revokedAt || at.allowsIp === null) return "revoked";
  if (token.expiresAt && token.expiresAt.getTime() <= at.now) return "expired";
  const uses = token.accessTokenNumUses;
  if (token.accessTokenNumUsesLimit > 0 && uses !== undefined && uses >= token.accessTokenNumUsesLimit) return "exhausted";
  if (at.allowsIp && at.ip !== undefined && !at.allowsIp(at.ip)) return "ip-not-allowed";
  return null;
}
