import { errors as joseErrors, jwtVerify, SignJWT } from "jose";

const ISSUER = "ociauth";

export type SigningKey = CryptoKey;

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

/** Checks the signature, issuer and claims of a token (no memo: the TokenSigner keeps one). */
export async function verifyTokenSignature(
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
