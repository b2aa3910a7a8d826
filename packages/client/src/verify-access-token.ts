import { accessTokenClaimsSchema, discoveryDocumentSchema, introspectionResponseSchema } from "@ociauth/schema";
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify } from "jose";
import { OciAuthError, type TokenRefusal, TokenVerificationError } from "./errors";
import { requestJson } from "./rest-call";

/** The claims this service namespaces under `ociauth` in every identity access token. */
export interface OciauthTokenClaims {
  org_id: string;
  org_slug: string;
  identity_name: string;
  /** How the identity logged in, e.g. "oci-auth" or "token-auth". */
  auth_method: string;
  /** OCI logins: the principal that signed, and what is known of it. */
  principal_type?: "user" | "instance" | "resource";
  principal_ocid?: string;
  tenancy_ocid?: string;
  compartment_ocid?: string;
  region?: string;
  user_ocid?: string;
  username?: string;
}

/** The verified claims of an identity access token. */
export interface AccessTokenClaims {
  /** The issuer: the service's URL. */
  iss: string;
  /** The identity's id. */
  sub: string;
  aud: string;
  iat: number;
  nbf: number;
  /** Seconds since the epoch; absent for a token without expiry. */
  exp?: number;
  /** The token's id. */
  jti: string;
  authTokenType: "identityAccessToken";
  identityId: string;
  orgId: string;
  authMethod: string;
  ociauth: OciauthTokenClaims;
}

export interface VerifyAccessTokenOptions {
  /** The service's issuer URL (its PUBLIC_URL), e.g. https://auth.example.com */
  issuer: string;
  /** The audience this service expects in `aud` (default: the issuer). */
  audience?: string;
  /**
   * "offline" (default): the signature is checked with the issuer's published keys (fetched once,
   * cached, refetched on an unknown key id). Fast and needs no call per token, but cannot see a
   * revocation or a use limit: a revoked token verifies until it expires.
   * "online": the issuer's introspection endpoint decides (revocation, use limit, trusted IPs);
   * each call counts one use of the token.
   */
  mode?: "offline" | "online";
  /** Online mode: this service's own access token (an identity of the same organization). */
  accessToken?: string;
  /** Online mode: the address the token was presented from, checked against the token's trusted IPs. */
  clientIp?: string;
  fetch?: typeof fetch;
  /** Abort discovery, key set and introspection requests after this many milliseconds (default 10 000). */
  timeoutMs?: number;
}

export type VerifiedAccessToken =
  | { active: true; mode: "offline"; claims: AccessTokenClaims }
  | {
      active: true;
      mode: "online";
      claims: AccessTokenClaims;
      /** Uses left after this one; null when the token has no use limit. */
      remainingUses: number | null;
    };

const DEFAULT_TIMEOUT_MS = 10_000;
const ALGORITHMS = ["ES256"];
/**
 * After a rotation the new key signs at once: a token naming an unknown kid refetches the key set
 * when the last fetch is older than this (jose's default, 30 s, would refuse such tokens meanwhile).
 */
const KEY_SET_COOLDOWN_MS = 1_000;
/** Tokens carry nbf = iat = the issuer's "now": a resource server's clock a little behind must not refuse them. */
const CLOCK_TOLERANCE_SECONDS = 5;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** One key set per issuer, kept for the process: jose caches the keys and refetches them on an unknown kid. */
const keySets = new Map<string, Promise<KeySet>>();

/**
 * Verifies an identity access token of the service at `issuer` and returns its claims; throws
 * TokenVerificationError (with `reason`) when the token is refused. A user's dashboard session
 * token is refused: only identity access tokens are meant for other services.
 */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<VerifiedAccessToken> {
  const issuer = options.issuer.replace(/\/+$/, "");
  const audience = options.audience ?? issuer;
  if (!token) throw new TokenVerificationError("invalid", "The access token is empty");
  return options.mode === "online" ? introspect(token, issuer, audience, options) : verifyOffline(token, issuer, audience, options);
}

async function verifyOffline(
  token: string,
  issuer: string,
  audience: string,
  options: VerifyAccessTokenOptions,
): Promise<VerifiedAccessToken> {
  const keySet = await keySetFor(issuer, options);
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keySet, { issuer, audience, algorithms: ALGORITHMS, clockTolerance: CLOCK_TOLERANCE_SECONDS }));
  } catch (error) {
    throw refusal(error, audience);
  }
  return { active: true, mode: "offline", claims: identityClaims(payload) };
}

function keySetFor(issuer: string, options: VerifyAccessTokenOptions): Promise<KeySet> {
  let keySet = keySets.get(issuer);
  if (!keySet) {
    keySet = discoverKeySet(issuer, options);
    keySets.set(issuer, keySet);
    // A failed discovery is not cached: the next call tries again.
    keySet.catch(() => keySets.delete(issuer));
  }
  return keySet;
}

async function discoverKeySet(issuer: string, options: VerifyAccessTokenOptions): Promise<KeySet> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let document: unknown;
  try {
    document = await requestJson(
      { url: issuer, fetch: options.fetch, timeoutMs },
      { method: "GET", path: "/.well-known/openid-configuration" },
    );
  } catch (error) {
    throw new TokenVerificationError("unreachable", `Could not read the issuer's discovery document: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = discoveryDocumentSchema.safeParse(document);
  if (!parsed.success) throw new TokenVerificationError("unreachable", `The discovery document of ${issuer} is not valid`);
  if (parsed.data.issuer.replace(/\/+$/, "") !== issuer) {
    throw new TokenVerificationError("unreachable", `The discovery document names the issuer ${parsed.data.issuer}, not ${issuer}`);
  }
  return createRemoteJWKSet(new URL(parsed.data.jwks_uri), {
    timeoutDuration: timeoutMs,
    cooldownDuration: KEY_SET_COOLDOWN_MS,
    ...(options.fetch && { [customFetch]: options.fetch }),
  });
}

/** jose's errors as a refusal reason. */
function refusal(error: unknown, audience: string): TokenVerificationError {
  const because = (reason: TokenRefusal, message: string) => new TokenVerificationError(reason, message, { cause: error });
  if (error instanceof TokenVerificationError) return error;
  if (error instanceof joseErrors.JWTExpired) return because("expired", "The access token has expired");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return because("wrong_audience", `The access token is not for this audience (expected ${audience})`);
    return because("invalid", `The access token is invalid: ${error.message}`);
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return because("unknown_key", "The access token is signed with a key the issuer does not publish");
  }
  // jose's generic error (code ERR_JOSE_GENERIC) is the key set's HTTP status or body.
  const fromKeySet = error instanceof joseErrors.JOSEError && error.code === joseErrors.JOSEError.code;
  if (fromKeySet || error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
    return because("unreachable", `Could not read the issuer's signing keys: ${(error as Error).message}`);
  }
  if (error instanceof joseErrors.JOSEError) return because("invalid", `The access token is invalid: ${error.message}`);
  // Anything else comes from fetching the key set (a network error, an HTTP error status).
  return because("unreachable", `Could not read the issuer's signing keys: ${(error as Error)?.message ?? String(error)}`);
}

function identityClaims(payload: unknown): AccessTokenClaims {
  const type = (payload as { authTokenType?: unknown }).authTokenType;
  if (type !== "identityAccessToken") {
    throw new TokenVerificationError(
      "invalid",
      type === "accessToken"
        ? "The token is a dashboard session, not an identity access token"
        : "The token is not an identity access token",
    );
  }
  const parsed = accessTokenClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new TokenVerificationError("invalid", "The access token lacks claims an identity access token has");
  return parsed.data;
}

async function introspect(
  token: string,
  issuer: string,
  audience: string,
  options: VerifyAccessTokenOptions,
): Promise<VerifiedAccessToken> {
  if (!options.accessToken) throw new TypeError("verifyAccessToken: online mode needs accessToken (this service's own access token)");
  let answer: unknown;
  try {
    answer = await requestJson(
      { url: issuer, fetch: options.fetch, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      {
        method: "POST",
        path: "/api/v1/auth/token/introspect",
        token: options.accessToken,
        form: { token, ...(options.clientIp && { client_ip: options.clientIp }) },
      },
    );
  } catch (error) {
    // The issuer refused this service's own token (or the request): a configuration problem, not the token's.
    if (error instanceof OciAuthError && error.status !== 0 && error.status < 500) throw error;
    throw new TokenVerificationError("unreachable", `Could not introspect the token: ${(error as Error).message}`, { cause: error });
  }
  const parsed = introspectionResponseSchema.safeParse(answer);
  if (!parsed.success) throw new TokenVerificationError("unreachable", "The issuer's introspection answer is not valid");
  const data = parsed.data;
  if (!data.active) {
    throw new TokenVerificationError("inactive", "The access token is not active (revoked, expired, used up or not usable from here)");
  }
  if (data.iss !== issuer) throw new TokenVerificationError("invalid", `The access token was issued by ${data.iss}, not ${issuer}`);
  if (data.aud !== audience) {
    throw new TokenVerificationError("wrong_audience", `The access token is not for this audience (expected ${audience})`);
  }
  const { active: _active, token_type: _type, remaining_uses, ...rest } = data;
  const claims: AccessTokenClaims = {
    ...rest,
    authTokenType: "identityAccessToken",
    identityId: rest.sub,
    orgId: rest.ociauth.org_id,
    authMethod: rest.ociauth.auth_method,
  };
  return { active: true, mode: "online", claims, remainingUses: remaining_uses };
}
