import { createHash, randomBytes } from "node:crypto";
import { insertLoginChallenge, pruneLoginChallenges } from "@ociauth/db";
import { messages, OCI_CHALLENGE_TTL_SECONDS, type OciChallengeInput, type OciChallengeResponse } from "@ociauth/schema";
import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { loadIdentityState } from "../auth/identity-state";
import { enforceRateLimit } from "../rate-limit/rate-limit-service";

/** Only a challenge's hash is stored: a copy of the table cannot be used to log in. */
export function challengeHash(challenge: string): string {
  return createHash("sha256").update(challenge).digest("hex");
}

/** Expired challenges are kept this long (so a late login hears "expired", not "unknown"), then pruned. */
const KEEP_EXPIRED_MS = 60 * 60 * 1000;
const PRUNE_INTERVAL_MS = 60_000;
let lastPrune = 0;

async function pruneOldChallenges(ctx: ServiceContext, now: number) {
  if (now - lastPrune < PRUNE_INTERVAL_MS) return;
  lastPrune = now;
  await pruneLoginChallenges(ctx.rt.sql, new Date(now - KEEP_EXPIRED_MS));
}

/**
 * Step one of the principal login: 32 random bytes (base64url) for the workload to bind into its
 * signed inner request; single use, valid for OCI's clock skew window, stored in the database so
 * any instance can consume it. Counted per caller IP in a bucket of its own (a login takes one
 * challenge and one login attempt).
 */
export async function issueOciChallenge(ctx: ServiceContext, { identityId }: OciChallengeInput): Promise<OciChallengeResponse> {
  const started = performance.now();
  try {
    await enforceRateLimit(ctx, "challenge-ip", ctx.meta.ip);
    const identity = (await loadIdentityState(ctx, identityId))?.identity ?? null;
    if (!identity?.ociAuth) throw notFound(messages.ociAuthNotFoundForLogin);
    const now = Date.now();
    await pruneOldChallenges(ctx, now);
    const challenge = randomBytes(32).toString("base64url");
    await insertLoginChallenge(ctx.rt.sql, challengeHash(challenge), identity.id, new Date(now + OCI_CHALLENGE_TTL_SECONDS * 1000));
    return { challenge, expiresIn: OCI_CHALLENGE_TTL_SECONDS };
  } finally {
    // Server-Timing like the logins': a principal login's server-side time is this plus the login's.
    ctx.meta.timings = { app: Math.round((performance.now() - started) * 100) / 100 };
  }
}
