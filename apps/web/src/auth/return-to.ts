/** Where to go after signing in: a same-site dashboard path only (never `//host`, `/\host` or an absolute URL). */
export const DEFAULT_AFTER_LOGIN = "/identities";

export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 512) return DEFAULT_AFTER_LOGIN;
  if (!/^\/(?![/\\])[^\s\\]*$/.test(value)) return DEFAULT_AFTER_LOGIN;
  if (/^\/(login|setup|api)(\/|\?|#|$)/.test(value)) return DEFAULT_AFTER_LOGIN;
  return value;
}

export function loginPath(returnTo?: string, reason?: "expired" | "signed-out"): string {
  const params = new URLSearchParams();
  if (returnTo && safeReturnTo(returnTo) === returnTo && returnTo !== DEFAULT_AFTER_LOGIN) params.set("next", returnTo);
  if (reason) params.set("reason", reason);
  const query = params.toString();
  return query ? `/login?${query}` : "/login";
}
