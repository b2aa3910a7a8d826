/** Where signing in leads when `next` is missing or refused (the home page picks the right page). */
export const AFTER_LOGIN_FALLBACK = "/";

/** A stand-in for this site's origin: `next` is resolved against it the way a browser would. */
const THIS_ORIGIN = "http://this-origin.invalid";
const MAX_LENGTH = 512;
// Browsers read a backslash as a slash and drop tabs and newlines inside a URL: refused anywhere.
const RAW_TRICKS = /[\\\s\p{Cc}]/u;
// Encoded slashes, backslashes, control characters and double encoding have no place in a dashboard path.
const ENCODED_TRICKS = /%(2f|5c|25|[01][0-9a-f]|7f)/i;
const NO_RETURN = /^\/(login|setup|api)(\/|$)/;

/**
 * Where to go after signing in: a path of this site only. The value is resolved as a browser
 * resolves it against this origin (WHATWG URL: dot segments, `%2e`, …) and only the resolved path,
 * query and fragment are used, so no spelling (`//host`, `/.//host`, `/a/..//host`, `/\host`,
 * `https://host`) leaves the site. Anything else, and /login, /setup or /api, gives the fallback.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > MAX_LENGTH || !value.startsWith("/")) return AFTER_LOGIN_FALLBACK;
  if (RAW_TRICKS.test(value) || ENCODED_TRICKS.test(value.split(/[?#]/, 1)[0]!)) return AFTER_LOGIN_FALLBACK;
  let resolved: URL;
  try {
    resolved = new URL(value, THIS_ORIGIN);
  } catch {
    return AFTER_LOGIN_FALLBACK;
  }
  if (resolved.origin !== THIS_ORIGIN || resolved.pathname.startsWith("//") || NO_RETURN.test(resolved.pathname)) {
    return AFTER_LOGIN_FALLBACK;
  }
  return resolved.pathname + resolved.search + resolved.hash;
}

/** /login, remembering the page to come back to (when it is a safe one) and why the operator is signing in. */
export function loginPath(returnTo?: string, reason?: "expired" | "signed-out"): string {
  const params = new URLSearchParams();
  const next = safeReturnTo(returnTo);
  if (next !== AFTER_LOGIN_FALLBACK) params.set("next", next);
  if (reason) params.set("reason", reason);
  const query = params.toString();
  return query ? `/login?${query}` : "/login";
}
