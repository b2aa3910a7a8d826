import { decodeProtectedHeader, errors as joseErrors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { LEGACY_ALG, type LoadedKey } from "../keys/keyring";

/** The issuer of tokens signed before signing keys (HS256, no kid); still verified while they live. */
export const LEGACY_ISSUER = "ociauth";

export type TokenClaims =
  | { authTokenType: "identityAccessToken"; identityId: string; orgId: string; authMethod: string; jti: string }
  | { authTokenType: "accessToken"; userId: string; jti: string };

export interface SignOptions {
  issuer: string;
  /** Another service the token is for; default: this service (the issuer). */
  audience?: string;
  /** Claims a resource server can authorise on (namespaced under "ociauth"). */
  extra?: Record<string, unknown>;
}

/**
 * An ES256 JWT with the key's kid: standard claims (sub = identity or user id, aud, nbf, exp
 * when the token expires) beside the claims Infisical's clients and this service read.
 */
export async function signToken(key: LoadedKey, claims: TokenClaims, expiresAt: Date | null, options: SignOptions): Promise<string> {
  if (!key.privateKey) throw new Error(`signing key ${key.id} cannot sign here`);
  const { jti, ...payload } = claims;
  const subject = claims.authTokenType === "identityAccessToken" ? claims.identityId : claims.userId;
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...payload, ...options.extra })
    .setProtectedHeader({ alg: key.alg, kid: key.id, typ: "JWT" })
    .setIssuer(options.issuer)
    .setSubject(subject)
    .setAudience(options.audience ?? options.issuer)
    .setJti(jti)
    .setIssuedAt(now)
    .setNotBefore(now);
  // Rounded up: the database row's expiresAt (checked on every use) is the exact limit.
  if (expiresAt) jwt.setExpirationTime(Math.ceil(expiresAt.getTime() / 1000));
  return jwt.sign(key.privateKey);
}

export type Verified = {
  claims: TokenClaims;
  payload: JWTPayload;
  /** The key that signed it. */
  keyId: string;
  /** For this service's own API: its audience is its issuer (or a legacy token). */
  forThisService: boolean;
  expMs: number;
};

export type VerifyResult = ({ ok: true } & Verified) | { ok: false; reason: "expired" | "invalid" };

/** The key a token names, looked up by the caller; null = refuse (unknown kid, or alg not the key's). */
export type KeyLookup = (header: { kid?: string; alg?: string }) => Promise<LoadedKey | undefined>;

/**
 * Checks the signature and claims of a token. The algorithm is pinned per key: a header whose alg
 * is not its key's (HS256 over a public key, "none") is refused before any verification.
 */
export async function verifyTokenSignature(lookup: KeyLookup, token: string): Promise<VerifyResult> {
  let header: { kid?: string; alg?: string };
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: "invalid" };
  }
  const key = await lookup(header);
  if (!key || header.alg !== key.alg) return { ok: false, reason: "invalid" };
  const legacy = key.alg === LEGACY_ALG;
  try {
    const { payload } = await jwtVerify(token, key.verifyKey, { algorithms: [key.alg], ...(legacy ? { issuer: LEGACY_ISSUER } : {}) });
    const claims = tokenClaims(payload);
    if (!claims) return { ok: false, reason: "invalid" };
    const expMs = typeof payload.exp === "number" ? payload.exp * 1000 : Infinity;
    const forThisService = legacy || (typeof payload.iss === "string" && payload.aud === payload.iss);
    return { ok: true, claims, payload, keyId: key.id, forThisService, expMs };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? "expired" : "invalid" };
  }
}

function tokenClaims(payload: JWTPayload): TokenClaims | null {
  const jti = payload.jti;
  if (typeof jti !== "string") return null;
  if (payload.authTokenType === "identityAccessToken" && typeof payload.identityId === "string") {
    return {
      authTokenType: "identityAccessToken",
      identityId: payload.identityId,
      orgId: String(payload.orgId),
      authMethod: String(payload.authMethod),
      jti,
    };
  }
  if (payload.authTokenType === "accessToken" && typeof payload.userId === "string") {
    return { authTokenType: "accessToken", userId: payload.userId, jti };
  }
  return null;
}
