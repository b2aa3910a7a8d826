const BASE = "http://front-door.invalid";

/**
 * The path a request really names, the way any router behind us could read it: dot segments
 * resolved (also percent-encoded ones), backslashes and percent-encoded slashes as `/`, repeated
 * slashes collapsed. The front door decides on this form, so `/api/./v1/x`, `/x/../api/v1/x`,
 * `//api/v1/x` and `/api%2Fv1/x` all meet the same checks as `/api/v1/x`.
 * Returns null when the request target is not a usable path (answer 400).
 */
export function normalisePath(target: string): { pathname: string; search: string } | null {
  let url: URL;
  try {
    url = new URL(target.startsWith("/") ? `${BASE}${target}` : target);
  } catch {
    return null;
  }
  let pathname = url.pathname;
  for (let round = 0; round < 4; round++) {
    const spelled = pathname
      .replace(/%2f|%5c/gi, "/")
      .replace(/%2e/gi, ".")
      .replace(/\/{2,}/g, "/");
    const resolved = new URL(spelled, BASE).pathname.replace(/\/{2,}/g, "/");
    if (resolved === pathname) return { pathname, search: url.search };
    pathname = resolved;
  }
  return null; // still changing after several rounds: a deliberately nested spelling
}

export const isApiPath = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/");
