import { hitRateLimit, peekRateLimit, pruneLoginBackoffs, pruneRateLimits } from "@ociauth/db";
import type { ServiceContext } from "../../core/context";
import { AppError } from "../../core/errors";
import { ipRateLimitSubject } from "./ip-subject";
import { BACKOFF_FORGET_AFTER_SECONDS } from "./login-backoff-fns";

export type RateLimitRule = "login-ip" | "challenge-ip" | "login-identity" | "bootstrap-ip";

/** Rules counted per caller address: their subject is normalised first (see ip-subject.ts). */
const isIpRule = (rule: RateLimitRule) => rule.endsWith("-ip");

function limitOf(ctx: ServiceContext, rule: RateLimitRule): number {
  switch (rule) {
    case "login-ip":
    case "challenge-ip":
      return ctx.config.RATE_LIMIT_LOGIN_PER_IP;
    case "login-identity":
      return ctx.config.RATE_LIMIT_LOGIN_PER_IDENTITY;
    case "bootstrap-ip":
      return ctx.config.RATE_LIMIT_BOOTSTRAP_PER_IP;
  }
}

let hitsSincePrune = 0;

/** Callers whose IP is unknown are never exempt: they share this one subject. */
export const UNKNOWN_SUBJECT = "unknown";

const keyOf = (rule: RateLimitRule, subject: string | null) =>
  `${rule}:${(isIpRule(rule) ? ipRateLimitSubject(subject) : subject) || UNKNOWN_SUBJECT}`;

export function limitExceeded(resetAt: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
  return new AppError("RATE_LIMITED", `Rate limit exceeded. Please try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds });
}

/**
 * Counts a request against `rule` for `subject` (an IP or identity id; an IPv6 caller counts in
 * its /64, a null IP in one shared "unknown" bucket); over the limit → 429 RateLimitExceeded with the seconds to wait (sent
 * as Retry-After). Off with RATE_LIMIT=off.
 */
export async function enforceRateLimit(ctx: ServiceContext, rule: RateLimitRule, subject: string | null): Promise<void> {
  if (ctx.config.RATE_LIMIT === "off") return;
  const windowSeconds = ctx.config.RATE_LIMIT_WINDOW_SECONDS;
  const { count, resetAt } = await hitRateLimit(ctx.db, keyOf(rule, subject), windowSeconds);
  if (++hitsSincePrune >= 1000) {
    hitsSincePrune = 0;
    await pruneRateLimits(ctx.db, windowSeconds * 2);
    await pruneLoginBackoffs(ctx.db, BACKOFF_FORGET_AFTER_SECONDS);
  }
  if (count > limitOf(ctx, rule)) throw limitExceeded(resetAt);
}

/**
 * 429 when `subject` has already spent its budget for `rule` in this window, without counting
 * this request (check now, count with enforceRateLimit once the attempt deserves it).
 */
export async function checkRateLimit(ctx: ServiceContext, rule: RateLimitRule, subject: string | null): Promise<void> {
  if (ctx.config.RATE_LIMIT === "off") return;
  const { count, resetAt } = await peekRateLimit(ctx.db, keyOf(rule, subject), ctx.config.RATE_LIMIT_WINDOW_SECONDS);
  if (resetAt && count >= limitOf(ctx, rule)) throw limitExceeded(resetAt);
}
