import { randomBytes } from "node:crypto";
import { getOrCreateSetting, type Db } from "@ociauth/db";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { AppConfig } from "../../config";

const SECRET_SETTING = "auth-secret";
const ISSUER = "ociauth";

export type SigningKey = CryptoKey;

let keyPromise: Promise<SigningKey> | undefined;

/**
 * The HS256 key: AUTH_SECRET, or a random secret generated once and stored in the database, so
 * every instance sharing the database (and every restart) signs and verifies with the same key.
 */
export function getSigningKey(db: Db, config: AppConfig): Promise<SigningKey> {
  keyPromise ??= (async () => {
    const secret = config.AUTH_SECRET ?? (await getOrCreateSetting(db, SECRET_SETTING, randomBytes(48).toString("base64url")));
    // Imported once: a raw secret would be re-imported by WebCrypto on every sign and verify.
    return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  })().catch((error) => {
    keyPromise = undefined;
    throw error;
  });
  return keyPromise;
}

export type TokenClaims =
  | { authTokenType: "identityAccessToken"; identityId: string; orgId: string; authMethod: string; jti: string }
  | { authTokenType: "accessToken"; userId: string; jti: string };

export async function signToken(key: SigningKey, claims: TokenClaims, expiresAt: Date | null): Promise<string> {
  const { jti, ...payload } = claims;
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuer(ISSUER).setJti(jti).setIssuedAt();
  // Rounded up: the database row's expiresAt (checked on every use) is the exact limit.
  if (expiresAt) jwt.setExpirationTime(Math.ceil(expiresAt.getTime() / 1000));
  return jwt.sign(key);
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: "expired" | "invalid" };

/**
 * Tokens whose signature was already verified, so a token used again skips the HMAC. Keyed by the
 * whole token string; expiry is still checked on every use (here and against the database row).
 */
const verified = new Map<string, { claims: TokenClaims; expMs: number }>();
const MAX_VERIFIED = 10_000;

export async function verifyToken(key: SigningKey, token: string): Promise<VerifyResult> {
  const known = verified.get(token);
  if (known) return known.expMs > Date.now() ? { ok: true, claims: known.claims } : { ok: false, reason: "expired" };
  const result = await verifyTokenSignature(key, token);
  if (result.ok) {
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value as string);
    verified.set(token, { claims: result.claims, expMs: result.expMs });
  }
  return result.ok ? { ok: true, claims: result.claims } : result;
}

async function verifyTokenSignature(
  key: SigningKey,
  token: string,
): Promise<{ ok: true; claims: TokenClaims; expMs: number } | { ok: false; reason: "expired" | "invalid" }> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], issuer: ISSUER });
    const expMs = typeof payload.exp === "number" ? payload.exp * 1000 : Infinity;
    const jti = payload.jti;
    if (typeof jti !== "string") return { ok: false, reason: "invalid" };
    if (payload.authTokenType === "identityAccessToken" && typeof payload.identityId === "string") {
      return {
        ok: true,
        expMs,
        claims: {
          authTokenType: "identityAccessToken",
          identityId: payload.identityId,
          orgId: String(payload.orgId),
          authMethod: String(payload.authMethod),
          jti,
        },
      };
    }
    if (payload.authTokenType === "accessToken" && typeof payload.userId === "string") {
      return { ok: true, expMs, claims: { authTokenType: "accessToken", userId: payload.userId, jti } };
    }
    return { ok: false, reason: "invalid" };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? "expired" : "invalid" };
  }
}
