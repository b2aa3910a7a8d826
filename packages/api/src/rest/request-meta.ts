import type { RequestMeta } from "../core/context";

/**
 * What the REST dispatch reads of a request: a fetch Request satisfies it, and so does the front
 * door's light view of a node:http request (no Request, Headers or stream built per call).
 */
export interface ApiRequest {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface ConnectionInfo {
  /** The resolved client address (see http/client-ip.ts); null when the transport cannot tell. */
  ip: string | null;
}

/** The dashboard's HTTP-only session cookie (a user session token). */
export const SESSION_COOKIE = "ociauth_session";

/**
 * The value of cookie `name`, or null when it is absent, undecodable or sent more than once: a
 * browser sends two cookies of one name when another site (a sibling subdomain) planted its own,
 * and neither can be told apart from ours, so neither is used.
 */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  let found: string | null = null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    if (found !== null) return null;
    found = part.slice(eq + 1).trim();
  }
  if (found === null) return null;
  try {
    return decodeURIComponent(found);
  } catch {
    return null;
  }
}

/**
 * CSRF guard for cookie-authenticated requests: a state-changing request must come from our own
 * pages (Origin equal to the request's origin, or Sec-Fetch-Site: same-origin). Bearer-token
 * requests are not affected: a browser never attaches those on its own.
 */
export function isSameOriginRequest(req: ApiRequest): boolean {
  if (req.method === "GET" || req.method === "HEAD") return true;
  return isSameOrigin({
    origin: req.headers.get("origin"),
    host: req.headers.get("host") ?? new URL(req.url).host,
    secFetchSite: req.headers.get("sec-fetch-site"),
  });
}

/** Origin names the host the request was sent to, or (without Origin) the browser says same-origin. */
export function isSameOrigin(headers: { origin: string | null; host: string | null; secFetchSite: string | null }): boolean {
  if (headers.origin) {
    try {
      return new URL(headers.origin).host === headers.host;
    } catch {
      return false;
    }
  }
  return headers.secFetchSite === "same-origin";
}

/** Authorization header, else the session cookie (same-origin requests only). */
export function resolveAuthorization(req: ApiRequest): string | null {
  const header = req.headers.get("authorization");
  if (header) return header;
  const session = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  return session && isSameOriginRequest(req) ? `Bearer ${session}` : null;
}

export function requestMeta(req: ApiRequest, connection: ConnectionInfo, reqId: string): RequestMeta {
  return {
    reqId,
    ip: connection.ip,
    userAgent: req.headers.get("user-agent")?.slice(0, 512) ?? null,
    authorization: resolveAuthorization(req),
  };
}
