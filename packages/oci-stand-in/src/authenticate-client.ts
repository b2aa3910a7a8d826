import { invalidParameter, notAuthenticated, type RouteAnswer } from "./answer.js";
import { BODY_SIGNED_HEADERS } from "./federation.js";
import { lookupPrincipalKey, type AuthenticatedPrincipal } from "./principals.js";
import { checkBodyDigest, parseJsonObject } from "./request-body.js";
import { TOKEN_ISSUER, type SecurityTokens } from "./security-tokens.js";
import { type UserDirectory } from "./user-directory.js";
import { verifySignedHeaders, type SignedRequestView } from "./verify-signed-headers.js";

export interface AuthenticateClientContext {
  users: UserDirectory;
  tokens: SecurityTokens;
  clockSkewSeconds: number;
}

/** OCI's AuthenticateClientResult. */
export interface AuthenticateClientResult {
  principal: { tenantId: string; subjectId: string; claims: { key: string; value: string; issuer: string }[] } | null;
  success: boolean;
  errorMessage: string | null;
}

/**
 * `POST /v1/authentication/authenticateClient`: the caller (API key or security token) asks
 * whether the request described by `requestHeaders` carries a valid OCI signature, and who signed it.
 * A bad outer request is 401; a bad inner request is 200 with `success: false`, as in OCI.
 */
export function answerAuthenticateClient(request: SignedRequestView, body: Buffer, context: AuthenticateClientContext): RouteAnswer {
  const lookup = (keyId: string) => lookupPrincipalKey(keyId, context.users, context.tokens);
  const outer = verifySignedHeaders(request, BODY_SIGNED_HEADERS, context.clockSkewSeconds, lookup);
  if (!outer.ok) return notAuthenticated(`outer request: ${outer.reason}`);
  const digestFailure = checkBodyDigest(request.headers, body);
  if (digestFailure) return notAuthenticated(`outer request: ${digestFailure}`);

  const requestHeaders = parseRequestHeaders(parseJsonObject(body)?.requestHeaders);
  if (!requestHeaders) return invalidParameter('The body must be {"requestHeaders": {"<header name>": ["<value>"], ...}}.');
  const failed = (reason: string): RouteAnswer => {
    const result: AuthenticateClientResult = { principal: null, success: false, errorMessage: reason };
    return { kind: "json", status: 200, body: result, reason: `inner request: ${reason}` };
  };
  const target = /^([a-z]+) (\/\S*)$/.exec(requestHeaders["(request-target)"] ?? "");
  if (!target) return failed('requestHeaders must carry "(request-target)": ["<lower-case method> <path>"]');
  const inner = verifySignedHeaders(
    { method: target[1]!.toUpperCase(), url: target[2]!, headers: requestHeaders },
    ["(request-target)", "host"],
    context.clockSkewSeconds,
    lookup,
  );
  if (!inner.ok) return failed(inner.reason);

  const result: AuthenticateClientResult = {
    principal: describePrincipal(inner.principal, inner.signedHeaders, requestHeaders),
    success: true,
    errorMessage: null,
  };
  return { kind: "json", status: 200, body: result };
}

/** Lower-cases the names and joins repeated values the way an HTTP signature covers them. */
function parseRequestHeaders(value: unknown): Record<string, string> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(value)) {
    if (!Array.isArray(values) || values.length === 0 || !values.every((item) => typeof item === "string")) return undefined;
    headers[name.toLowerCase()] = values.join(", ");
  }
  return headers;
}

/** The principal's claims, plus an `h_<name>` claim for every header the signature covers. */
function describePrincipal(principal: AuthenticatedPrincipal, signedHeaders: string[], headers: Record<string, string>) {
  const claims = Object.entries(principal.claims).map(([key, value]) => ({ key, value, issuer: TOKEN_ISSUER }));
  for (const name of signedHeaders) {
    const value = headers[name];
    if (value !== undefined) claims.push({ key: `h_${name}`, value, issuer: TOKEN_ISSUER });
  }
  return { tenantId: principal.tenantId, subjectId: principal.subjectId, claims };
}
