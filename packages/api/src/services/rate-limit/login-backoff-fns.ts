import { createHash } from "node:crypto";
import type { AppConfig } from "../../core/config";

/** An account's attempts are forgotten after a day without one (a successful login forgets them at once). */
export const BACKOFF_FORGET_AFTER_SECONDS = 86_400;

type BackoffConfig = Pick<AppConfig, "LOGIN_BACKOFF_FREE_ATTEMPTS" | "LOGIN_BACKOFF_BASE_SECONDS" | "LOGIN_BACKOFF_MAX_SECONDS">;

/**
 * How long an account's next password login waits after its `failures`-th failed one: the first
 * LOGIN_BACKOFF_FREE_ATTEMPTS attempts run back to back, after that many failures the next one
 * waits the base delay, doubling with every further failure up to LOGIN_BACKOFF_MAX_SECONDS
 * (defaults: 5 attempts, then 1 s, 2 s, 4 s … 15 min).
 */
export function backoffDelaySeconds(failures: number, config: BackoffConfig): number {
  const beyond = failures - config.LOGIN_BACKOFF_FREE_ATTEMPTS;
  if (beyond < 0) return 0;
  return Math.min(config.LOGIN_BACKOFF_MAX_SECONDS, config.LOGIN_BACKOFF_BASE_SECONDS * 2 ** Math.min(beyond, 40));
}

/** The back-off key of an email (already trimmed and lower-cased by the schema): known or not, the same shape. */
export const backoffKeyOfEmail = (email: string) => `password-login:${createHash("sha256").update(email).digest("hex")}`;
