import { createHash } from "node:crypto";

/** OCI refuses a signed date more than 5 minutes from its clock; so do we, before calling it. */
export const OCI_CLOCK_SKEW_SECONDS = 300;
/** A used signature is remembered this much longer than the window (clocks of app instances differ a little). */
export const SIGNATURE_MEMORY_MARGIN_SECONDS = 60;
/**
 * Identical signed headers are accepted again from the address that first used them within this
 * long of that first use: OCI dates have one-second resolution and RSA PKCS#1 v1.5 is
 * deterministic, so concurrent logins with one key (a client per reconcile, no retry on 401) sign
 * identically. Another address, or later, is a replay.
 */
export const SIGNATURE_REUSE_GRACE_MS = 2000;
/** Retry-After when OCI throttles without a usable one of its own, and the longest we pass on. */
export const OCI_THROTTLED_DEFAULT_RETRY_SECONDS = 5;
export const OCI_THROTTLED_MAX_RETRY_SECONDS = 600;

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const HTTP_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * An HTTP date as OCI signers write it ("Fri, 27 Nov 2026 18:10:26 GMT"; Java's RFC 1123 form
 * may have a one-digit day), in epoch milliseconds; null for anything else, including impossible
 * dates and a weekday that does not match.
 */
export function parseHttpDate(value: string): number | null {
  const match = HTTP_DATE.exec(value);
  if (!match) return null;
  const [, weekday, day, month, year, hours, minutes, seconds] = match as unknown as string[];
  const ms = Date.UTC(Number(year), MONTHS.indexOf(month!), Number(day), Number(hours), Number(minutes), Number(seconds));
  const date = new Date(ms);
  const exact =
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === MONTHS.indexOf(month!) &&
    date.getUTCDate() === Number(day) &&
    date.getUTCHours() === Number(hours) &&
    date.getUTCMinutes() === Number(minutes) &&
    date.getUTCSeconds() === Number(seconds) &&
    WEEKDAYS[date.getUTCDay()] === weekday;
  return exact ? ms : null;
}

export type SignedDateHeader = "x-date" | "date";

export type SignedDateCheck =
  | { ok: true; forgetAfter: Date }
  | { ok: false; problem: "missing" }
  | { ok: false; problem: "unparseable" | "out_of_window"; header: SignedDateHeader };

/**
 * The signed date headers (`x-date` and/or `date`, as listed in the signature's `headers`) must
 * be present, parse, and lie within OCI's clock skew of `nowMs`. A signature that covers no date
 * is refused too: nothing would ever expire it. On success, `forgetAfter` is when the signature
 * can no longer pass this check (plus a margin): the moment its replay record may be dropped.
 */
export function checkSignedDate(
  signedHeaders: readonly string[],
  headers: Partial<Record<SignedDateHeader, string>>,
  nowMs: number,
): SignedDateCheck {
  const names = (["x-date", "date"] as const).filter((name) => signedHeaders.includes(name));
  if (names.length === 0) return { ok: false, problem: "missing" };
  let latest = -Infinity;
  for (const header of names) {
    const value = headers[header];
    if (value === undefined) return { ok: false, problem: "missing" };
    const ms = parseHttpDate(value);
    if (ms === null) return { ok: false, problem: "unparseable", header };
    if (Math.abs(nowMs - ms) > OCI_CLOCK_SKEW_SECONDS * 1000) return { ok: false, problem: "out_of_window", header };
    latest = Math.max(latest, ms);
  }
  return { ok: true, forgetAfter: new Date(latest + (OCI_CLOCK_SKEW_SECONDS + SIGNATURE_MEMORY_MARGIN_SECONDS) * 1000) };
}

/**
 * The replay key of a login: SHA-256 (hex) of the signature's bytes, so another spelling of the
 * same signature (parameter order, spaces, unused base64 bits) is the same login.
 */
export function signatureReplayKey(signature: Uint8Array): string {
  return createHash("sha256").update(signature).digest("hex");
}

/**
 * Seconds to wait after OCI answered 429: its Retry-After (delta-seconds or an HTTP date) when
 * that is a sane 0..600 s (at least 1), otherwise a small default.
 */
export function ociRetryAfterSeconds(retryAfter: string | null | undefined, nowMs: number): number {
  const value = retryAfter?.trim() ?? "";
  let seconds: number | null = null;
  if (/^\d{1,10}$/.test(value)) seconds = Number(value);
  else {
    const at = parseHttpDate(value);
    if (at !== null) seconds = Math.max(0, Math.ceil((at - nowMs) / 1000));
  }
  if (seconds === null || seconds > OCI_THROTTLED_MAX_RETRY_SECONDS) return OCI_THROTTLED_DEFAULT_RETRY_SECONDS;
  return Math.max(1, seconds);
}
