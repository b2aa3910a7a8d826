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
