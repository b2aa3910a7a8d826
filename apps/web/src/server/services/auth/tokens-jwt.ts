import { randomBytes } from "node:crypto";
import { getOrCreateSetting, type Db } from "@ociauth/db";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { AppConfig } from "../../config";

const SECRET_SETTING = "auth-secret";
const ISSUER = "ociauth";

let keyPromise: Promise<Uint8Array> | undefined;

/**
 * The HS256 key: AUTH_SECRET, or a random secret generated once and stored in the database, so
 * every instance sharing the database (and every restart) signs and verifies with the same key.
 */
export function getSigningKey(db: Db, config: AppConfig): Promise<Uint8Array> {
  keyPromise ??= (async () => {
    const secret = config.AUTH_SECRET ?? (await getOrCreateSetting(db, SECRET_SETTING, randomBytes(48).toString("base64url")));
    return new TextEncoder().encode(secret);
  })().catch((error) => {
    keyPromise = undefined;
    throw error;
  });
  return keyPromise;
}

/** Tests switch databases within one process. */
export function resetSigningKeyCache() {
  keyPromise = undefined;
}

export type TokenClaims =
  | { authTokenType: "identityAccessToken"; identityId: string; orgId: string; authMethod: string; jti: string }
  | { authTokenType: "accessToken"; userId: string; jti: string };

export async function signToken(key: Uint8Array, claims: TokenClaims, expiresAt: Date | null): Promise<string> {
  const { jti, ...payload } = claims;
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuer(ISSUER).setJti(jti).setIssuedAt();
  // Rounded up: the database row's expiresAt (checked on every use) is the exact limit.
  if (expiresAt) jwt.setExpirationTime(Math.ceil(expiresAt.getTime() / 1000));
  return jwt.sign(key);
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: "expired" | "invalid" };

export async function verifyToken(key: Uint8Array, token: string): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], issuer: ISSUER });
    const jti = payload.jti;
    if (typeof jti !== "string") return { ok: false, reason: "invalid" };
    if (payload.authTokenType === "identityAccessToken" && typeof payload.identityId === "string") {
      return {
        ok: true,
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
      return { ok: true, claims: { authTokenType: "accessToken", userId: payload.userId, jti } };
    }
    return { ok: false, reason: "invalid" };
  } catch (error) {
    return { ok: false, reason: error instanceof joseErrors.JWTExpired ? "expired" : "invalid" };
  }
}
