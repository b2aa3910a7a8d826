import { type NextRequest, NextResponse } from "next/server";
import { loginPath } from "@/auth/return-to";
import { contentSecurityPolicy, NONCE_HEADER, newNonce } from "@/content-security-policy";

// "ociauth_session" is SESSION_COOKIE (packages/api/src/rest/request-meta.ts).
const SESSION_COOKIE = "ociauth_session";
const NEEDS_SESSION = /^\/(identities|audit)(\/|$)/;
const dev = process.env.NODE_ENV !== "production";

/**
 * Every page request gets a fresh CSP nonce: in the policy on the request (Next reads it there for
 * its own scripts), in NONCE_HEADER for the pages, and in the policy on the response. Dashboard
 * pages without a session cookie go straight to /login, remembering where the operator was going
 * (an optimistic check: pages verify the session themselves).
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (NEEDS_SESSION.test(pathname) && !request.cookies.has(SESSION_COOKIE)) {
    return NextResponse.redirect(new URL(loginPath(pathname + search), request.url));
  }
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, dev);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(NONCE_HEADER, nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

// Literal values: Next reads this config statically. Build output and public files need no policy.
export const config = {
  matcher: ["/((?!_next/static|_next/image|vendor/|favicon.ico).*)"],
};
