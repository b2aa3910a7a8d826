import { hitRateLimit, pruneRateLimits } from "@ociauth/db";
import type { ServiceContext } from "../../context";
import { AppError } from "../../errors";

export type RateLimitRule = "login-ip" | "login-identity" | "bootstrap-ip";

function limitOf(ctx: ServiceContext, rule: RateLimitRule): number {
  switch (rule) {
    case "login-ip":
      return ctx.config.RATE_LIMIT_LOGIN_PER_IP;
    case "login-identity":
      return ctx.config.RATE_LIMIT_LOGIN_PER_IDENTITY;
    case "bootstrap-ip":
      return ctx.config.RATE_LIMIT_BOOTSTRAP_PER_IP;
  }
}

let hitsSincePrune = 0;

/**
 * Counts a request against `rule` for `subject` (an IP or identity id); over the limit → 429
 * RateLimitExceeded with the seconds to wait (sent as Retry-After). Off with RATE_LIMIT=off.
 */
export async function enforceRateLimit(ctx: ServiceContext, rule: RateLimitRule, subject: string | null): Promise<void> {
  if (ctx.config.RATE_LIMIT === "off" || !subject) return;
  const windowSeconds = ctx.config.RATE_LIMIT_WINDOW_SECONDS;
  const { count, resetAt } = await hitRateLimit(ctx.db, `${rule}:${subject}`, windowSeconds);
  if (++hitsSincePrune >= 1000) {
    hitsSincePrune = 0;
    await pruneRateLimits(ctx.db, windowSeconds * 2);
  }
  if (count > limitOf(ctx, rule)) {
    const retryAfterSeconds = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
    throw new AppError("RATE_LIMITED", `Rate limit exceeded. Please try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds });
  }
}
