import {
  CHALLENGE_HEADER,
  CHALLENGE_PATTERN,
  effectivePrincipalTypes,
  type OciPrincipalType,
  PRINCIPAL_LOGIN_PATH,
  type PrincipalRules,
  regionOfOcid,
  splitCommaList,
} from "@ociauth/schema";
import type { OciAuthRow } from "@ociauth/db";
import { parseStoredPrincipalTypes } from "./oci-auth-fns";
import type { OciAuthenticatedPrincipal } from "./oci-authenticate-client";
import { checkSignedDate, type SignedDateCheck } from "./oci-login-fns";
import { parseSignatureParams } from "./oci-signature-fns";

/** `auth.<region>.oraclecloud.com` only (the SSRF guard of the principal login). */
export const OCI_AUTH_HOST_PATTERN = /^auth\.([a-z]{2}-[a-z]+-[1-9])\.oraclecloud\.com$/;

/** Headers that describe the connection, not the request: never forwarded (and never signed by an OCI SDK). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "proxy-authorization",
  "proxy-connection",
]);

/**
 * What is forwarded of the outer request's headers: the ones its signature covers, plus
 * `authorization` and `content-type`. Content-length is set from the body. Null when the
 * signature covers a connection-level header (nothing a real OCI signer does).
 */
export function outerHeadersToForward(headers: Record<string, string>, signed: readonly string[]): Record<string, string> | null {
  const names = new Set([
    ...signed.filter((name) => name !== "(request-target)" && name !== "content-length"),
    "authorization",
    "content-type",
  ]);
  const forwarded: Record<string, string> = {};
  for (const name of names) {
    if (HOP_BY_HOP.has(name)) return null;
    const value = headers[name];
    if (value !== undefined) forwarded[name] = value;
  }
  return forwarded;
}

/** The region of an OCI identity or auth host, e.g. `us-ashburn-1`; null for any other host. */
export function regionOfHost(host: string, pattern: RegExp): string | null {
  return pattern.exec(host)?.[1] ?? null;
}

/**
 * The inner request's headers from the authenticateClient body `{"requestHeaders": {name: [value, …]}}`:
 * names lower-cased, repeated values joined as a signature covers them. Null when the body is not that shape.
 */
export function parseInnerRequestHeaders(body: string): Record<string, string> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const requestHeaders = (parsed as { requestHeaders?: unknown } | null)?.requestHeaders;
  if (typeof requestHeaders !== "object" || requestHeaders === null || Array.isArray(requestHeaders)) return null;
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(requestHeaders)) {
    if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === "string")) return null;
    const key = name.toLowerCase();
    if (key in headers) return null;
    headers[key] = (values as string[]).join(", ");
  }
  return headers;
}

export type SignedChallenge =
  | { ok: true; challenge: string; boundBy: "request-target" | "header"; dated: Extract<SignedDateCheck, { ok: true }> }
  | { ok: false; problem: "no_signature" | "not_signed" | "ambiguous" | "malformed" }
  | { ok: false; problem: "date"; dated: Extract<SignedDateCheck, { ok: false }> };

const TARGET_BASE = "http://target.invalid";

/**
 * A signed `(request-target)`: a lower-case method, a space and a path (origin form, as every
 * OCI signer writes it, printable ASCII). Null for anything else: an absolute URL, `*`, a path
 * starting with `//` (which would name another host), control characters, or no URL path at all.
 */
export function parseRequestTarget(target: string): URL | null {
  const match = /^[a-z]+ (\/(?!\/)[\x21-\x7e]*)$/.exec(target);
  if (!match || !URL.canParse(match[1]!, TARGET_BASE)) return null;
  const url = new URL(match[1]!, TARGET_BASE);
  return url.origin === TARGET_BASE ? url : null;
}

/** The challenge in a request-target `get /api/v1/auth/oci-auth/login/principal?challenge=…`, if it is one. */
function challengeInTarget(target: string | undefined): string | null {
  const url = target === undefined ? null : parseRequestTarget(target);
  if (url?.pathname !== PRINCIPAL_LOGIN_PATH) return null;
  return url.searchParams.get("challenge");
}

/** The header names an inner request's signature covers, lower-cased; null when it carries no OCI signature. */
export function innerSignedHeaders(inner: Record<string, string>): { keyId: string; signed: string[] } | null {
  const params = inner.authorization ? parseSignatureParams(inner.authorization) : null;
  const signedList = params?.get("headers")?.trim();
  const keyId = params?.get("keyid");
  if (!params || !signedList || !keyId) return null;
  return { keyId, signed: signedList.toLowerCase().split(/\s+/) };
}

/**
 * Whether a signed `host` names `audience` (the service's PUBLIC_URL): same host name, case
 * aside, and same port, a default port written out (`:443` for https) counting as none. Only a
 * bare `name[:port]` qualifies: no user info, path, percent-escapes or spaces.
 */
export function hostIsAudience(host: string, audience: URL): boolean {
  if (!/^[A-Za-z0-9._~:[\]-]+$/.test(host)) return false;
  const candidate = `${audience.protocol}//${host}`;
  return URL.canParse(candidate) && new URL(candidate).host === audience.host;
}

export type InnerRequestCheck =
  { ok: true; keyId: string } | { ok: false; problem: "no_signature" | "malformed_target" | "host_not_signed" | "wrong_audience" };

/**
 * The inner request must be signed for this service: a well-formed `(request-target)` when it
 * has one, and a `host` that its signature covers and that is `audience`'s. Decided on the
 * signed bytes alone, before the challenge is looked at and before OCI is called.
 */
export function checkInnerRequest(inner: Record<string, string>, audience: URL): InnerRequestCheck {
  const signature = innerSignedHeaders(inner);
  if (!signature) return { ok: false, problem: "no_signature" };
  const target = inner["(request-target)"];
  if (target !== undefined && parseRequestTarget(target) === null) return { ok: false, problem: "malformed_target" };
  if (!signature.signed.includes("host") || inner.host === undefined) return { ok: false, problem: "host_not_signed" };
  if (!hostIsAudience(inner.host, audience)) return { ok: false, problem: "wrong_audience" };
  return { ok: true, keyId: signature.keyId };
}

/** OCIDs are printable ASCII: anything else names no principal (and never reaches a message or the audit log). */
const PRINCIPAL_ID = /^[\x21-\x7e]{1,255}$/;

/**
 * Who a keyId says signed: the user OCID of an API key (`<tenancy>/<user>/<fingerprint>`), or
 * the `sub` claim of a security token (`ST$<jwt>`, instance and resource principals), read
 * without checking the token: OCI checks it when it verifies the signature. Null for anything else.
 */
export function principalOfKeyId(keyId: string): string | null {
  let principal: unknown = null;
  if (keyId.startsWith("ST$")) {
    const payload = keyId.slice(3).split(".")[1];
    if (payload === undefined || !/^[A-Za-z0-9_-]+$/.test(payload)) return null;
    try {
      principal = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown } | null)?.sub;
    } catch {
      return null;
    }
  } else {
    const parts = keyId.split("/");
    if (parts.length === 3 && parts.every((part) => part.trim() !== "")) principal = parts[1];
  }
  return typeof principal === "string" && PRINCIPAL_ID.test(principal) ? principal : null;
}

/**
 * Where the inner request binds the challenge: in the signed `(request-target)` (its `challenge`
 * query on the principal login path) or in a signed `x-ociauth-challenge` header. A challenge
 * that is present but not covered by the signature binds nothing. The signature must also cover
 * a date within OCI's clock skew.
 */
export function findSignedChallenge(inner: Record<string, string>, nowMs: number): SignedChallenge {
  const signature = innerSignedHeaders(inner);
  if (!signature) return { ok: false, problem: "no_signature" };
  const { signed } = signature;
  const inTarget = signed.includes("(request-target)") ? challengeInTarget(inner["(request-target)"]) : null;
  const inHeader = signed.includes(CHALLENGE_HEADER) ? (inner[CHALLENGE_HEADER] ?? null) : null;
  if (inTarget === null && inHeader === null) return { ok: false, problem: "not_signed" };
  if (inTarget !== null && inHeader !== null && inTarget !== inHeader) return { ok: false, problem: "ambiguous" };
  const challenge = (inTarget ?? inHeader)!;
  if (!CHALLENGE_PATTERN.test(challenge)) return { ok: false, problem: "malformed" };
  const dated = checkSignedDate(signed, inner, nowMs);
  if (!dated.ok) return { ok: false, problem: "date", dated };
  return { ok: true, challenge, boundBy: inTarget !== null ? "request-target" : "header", dated };
}

/** Who logged in, as the configuration's rules see it. */
export interface LoginPrincipal {
  type: OciPrincipalType;
  /** The user, instance or resource OCID. */
  ocid: string;
  tenancyOcid: string;
  /** Users live in the tenancy's root compartment. */
  compartmentOcid: string;
  /**
   * The principal's own region, from its OCID (`ocid1.instance.oc1.iad.…` → us-ashburn-1); null
   * for a user (users are global) or an OCID whose region this service does not know.
   */
  region: string | null;
  /** The region of the OCI host the login was signed for (`auth.<region>…` / `identity.<region>…`). */
  signedRegion: string;
}

/** The region a login records: the principal's own, or for a user the one its request was signed for. */
export const recordedRegion = (principal: LoginPrincipal) => principal.region ?? principal.signedRegion;

/**
 * Reads OCI's answer: the principal type from the `ptype` claim (users have none: an API-key
 * signature), the compartment from `opc-compartment` (instances) or `res_compartment` (resources).
 */
export function toLoginPrincipal(principal: OciAuthenticatedPrincipal, signedRegion: string): LoginPrincipal | null {
  const { claims } = principal;
  const ptype = claims.ptype ?? (principal.subjectId.startsWith("ocid1.user.") ? "user" : undefined);
  if (ptype !== "user" && ptype !== "instance" && ptype !== "resource") return null;
  const compartment = ptype === "instance" ? claims["opc-compartment"] : ptype === "resource" ? claims.res_compartment : principal.tenantId;
  if (!compartment) return null;
  return {
    type: ptype,
    ocid: principal.subjectId,
    tenancyOcid: principal.tenantId,
    compartmentOcid: compartment,
    region: ptype === "user" ? null : regionOfOcid(principal.subjectId),
    signedRegion,
  };
}

export type PrincipalRefusal =
  | "region_mismatch"
  | "principal_type_not_allowed"
  | "tenancy_not_allowed"
  | "username_not_allowed"
  | "compartment_not_allowed"
  | "principal_not_allowed"
  | "region_not_allowed";

const PRINCIPAL_NAMES: Record<OciPrincipalType, string> = {
  user: "OCI users (API keys)",
  instance: "instance principals",
  resource: "resource principals",
};

export const principalRefusalMessages = {
  principal_type_not_allowed: (p: LoginPrincipal, allowed: readonly OciPrincipalType[]) =>
    `Access denied: ${PRINCIPAL_NAMES[p.type]} may not log in as this identity (allowed: ${allowed.map((type) => PRINCIPAL_NAMES[type]).join(", ")}). Add "${p.type}" to allowedPrincipalTypes in the identity's OCI auth settings.`,
  tenancy_not_allowed: (p: LoginPrincipal) =>
    `Access denied: OCI account isn't part of tenancy. The principal ${p.ocid} belongs to tenancy ${p.tenancyOcid}, not the identity's tenancyOcid.`,
  username_not_allowed: () =>
    "Access denied: OCI account username not allowed. This identity restricts users by allowedUsernames, which a principal login cannot check: log in with POST /api/v1/auth/oci-auth/login, or restrict users by allowedPrincipalOcids instead.",
  compartment_not_allowed: (p: LoginPrincipal) =>
    `Access denied: compartment ${p.compartmentOcid} of ${p.ocid} is not in the identity's allowedCompartmentOcids.`,
  principal_not_allowed: (p: LoginPrincipal) => `Access denied: ${p.ocid} is not in the identity's allowedPrincipalOcids.`,
  region_mismatch: (p: LoginPrincipal) =>
    `Access denied: ${p.ocid} is in region ${p.region}, but its login was signed for region ${p.signedRegion}. Sign the authenticateClient request for the principal's own region (auth.${p.region}.oraclecloud.com).`,
  region_not_allowed: (p: LoginPrincipal) => {
    if (p.type === "user") {
      return "Access denied: the identity allows only the regions in allowedRegions, and an OCI user has no region (only instances and resources do). Log in with an instance or resource principal, or clear allowedRegions.";
    }
    if (p.region === null)
      return `Access denied: the region of ${p.ocid} is not one this service knows, so allowedRegions cannot allow it.`;
    return `Access denied: region ${p.region} of ${p.ocid} is not in the identity's allowedRegions.`;
  },
} as const;

/**
 * The configuration's principal rules applied to who logged in, in a fixed order; null when
 * every rule in force lets it in. `usernameKnown`: the Infisical login reads the user's name
 * from OCI (and checks allowedUsernames itself); a principal login cannot.
 */
export function refusePrincipal(
  rules: PrincipalRules,
  principal: LoginPrincipal,
  options: { usernameKnown: boolean },
): { reason: PrincipalRefusal; message: string } | null {
  const allowedTypes = effectivePrincipalTypes(rules);
  const inList = (list: string | null | undefined, value: string) => !list || splitCommaList(list).includes(value);
  const refuse = (reason: PrincipalRefusal) => ({ reason, message: principalRefusalMessages[reason](principal, allowedTypes) });
  // Not a rule of the configuration: an instance or resource signs for its own region's host.
  if (principal.region !== null && principal.region !== principal.signedRegion) return refuse("region_mismatch");
  if (!allowedTypes.includes(principal.type)) return refuse("principal_type_not_allowed");
  if (principal.tenancyOcid !== rules.tenancyOcid) return refuse("tenancy_not_allowed");
  if (principal.type === "user" && rules.allowedUsernames && !options.usernameKnown) return refuse("username_not_allowed");
  if (!inList(rules.allowedCompartmentOcids, principal.compartmentOcid)) return refuse("compartment_not_allowed");
  if (!inList(rules.allowedPrincipalOcids, principal.ocid)) return refuse("principal_not_allowed");
  // A rule on regions allows only principals that have one: instances and resources.
  const { allowedRegions } = rules;
  if (allowedRegions && (principal.region === null || !inList(allowedRegions, principal.region))) return refuse("region_not_allowed");
  return null;
}

/** The rules of a stored configuration, principal types parsed. */
export function principalRulesOf(config: OciAuthRow): PrincipalRules {
  return { ...config, allowedPrincipalTypes: parseStoredPrincipalTypes(config.allowedPrincipalTypes) };
}

/** What the token row keeps of who logged in (users add their OCID and name). */
export function loginOrigin(principal: LoginPrincipal) {
  return {
    principalType: principal.type,
    principalOcid: principal.ocid,
    tenancyOcid: principal.tenancyOcid,
    compartmentOcid: principal.compartmentOcid,
    region: recordedRegion(principal),
    userOcid: null,
    username: null,
  };
}

/** What a success event records of who logged in. */
export function principalAuditMetadata(principal: LoginPrincipal) {
  return {
    principalType: principal.type,
    principalOcid: principal.ocid,
    compartmentOcid: principal.compartmentOcid,
    region: recordedRegion(principal),
  };
}
