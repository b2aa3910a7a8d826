import { type NextRequest, NextResponse } from "next/server";

/**
 * Optimistic check before rendering: dashboard pages without a session cookie go straight to
 * /login, remembering where the operator was going. Pages still verify the session itself.
 */
export function proxy(request: NextRequest) {
  const login = new URL("/login", request.url);
  login.searchParams.set("next", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

// Literal values: Next reads this config statically. "ociauth_session" is SESSION_COOKIE (packages/api/src/rest/request-meta.ts).
export const config = {
  matcher: [
    { source: "/identities/:path*", missing: [{ type: "cookie", key: "ociauth_session" }] },
    { source: "/audit/:path*", missing: [{ type: "cookie", key: "ociauth_session" }] },
  ],
};
