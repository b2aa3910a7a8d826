import { claimLoginAttempt, clearLoginBackoff, type DbClient } from "@ociauth/db";
import type { ServiceContext } from "../../core/context";
import { write } from "../writes";
import { BACKOFF_FORGET_AFTER_SECONDS, backoffDelaySeconds, backoffKeyOfEmail } from "./login-backoff-fns";
import { limitExceeded } from "./rate-limit-service";

/**
 * The per-account budget of password logins, whatever the caller's IP: 429 RateLimitExceeded
 * with Retry-After while the account's delay runs, before the password is checked (a right
 * password waits too, or the delay would tell it apart); otherwise the attempt is counted as a
 * failure in advance and `passwordLoginSucceeded` clears it. Unknown emails go through exactly
 * the same steps. It only ever delays: once the delay has passed, one attempt runs. Off with
 * RATE_LIMIT=off.
 */
export async function claimPasswordAttempt(ctx: ServiceContext, email: string): Promise<void> {
  if (ctx.config.RATE_LIMIT === "off") return;
  const claim = await write(ctx, {}, (tx) =>
    claimLoginAttempt(tx, backoffKeyOfEmail(email), (failures) => backoffDelaySeconds(failures, ctx.config), BACKOFF_FORGET_AFTER_SECONDS),
  );
  if (!claim.allowed) throw limitExceeded(claim.retryAt);
}

/** A successful login, an admin's unlock or a password reset: the account starts afresh. True when it had attempts counted. */
export function clearPasswordBackoff(db: DbClient, email: string): Promise<boolean> {
  return clearLoginBackoff(db, backoffKeyOfEmail(email));
}
