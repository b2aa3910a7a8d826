// How every baseline checks a token, as the app does (packages/api/src/services/auth/tokens-jwt.ts
// and token-signer.ts): the public keys of signing_keys (ES256, by kid) read once at start, the
// algorithm pinned to the key's, aud === iss required (a token for another audience is refused),
// and a verified token remembered by its string (up to 10 000, oldest dropped first; its expiry
// still checked on every use), so a token used again costs a Map lookup, not a signature check.
import { decodeProtectedHeader, errors as joseErrors, importJWK, type JWK, type JWTPayload, jwtVerify } from "jose";
import type { QueryRunner } from "./common.js";

const ALG = "ES256";
const MAX_VERIFIED = 10_000;

export interface VerifiedToken {
  payload: JWTPayload;
  expMs: number;
}

export type Verification = VerifiedToken | "expired" | "invalid";

/** The public keys of the app's signing keys, by kid (the legacy HS256 key has none: its tokens are refused). */
export async function loadPublicKeys(runner: QueryRunner): Promise<Map<string, CryptoKey>> {
  const rows = await runner.query<{ id: string; publicJwk: JWK | string }>(
    `SELECT id, "publicJwk" FROM signing_keys WHERE alg = '${ALG}' AND "publicJwk" IS NOT NULL`,
    [],
  );
  const keys = new Map<string, CryptoKey>();
  for (const row of rows) {
    const jwk = (typeof row.publicJwk === "string" ? JSON.parse(row.publicJwk) : row.publicJwk) as JWK;
    keys.set(row.id, (await importJWK(jwk, ALG)) as CryptoKey);
  }
  if (keys.size === 0) throw new Error("no ES256 public key in signing_keys (has the app started on this database?)");
  return keys;
}

export function createTokenVerifier(keys: Map<string, CryptoKey>) {
  const verified = new Map<string, VerifiedToken>();

  async function verifySignature(token: string): Promise<Verification> {
    let header: { kid?: string; alg?: string };
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return "invalid";
    }
    const key = header.kid === undefined ? undefined : keys.get(header.kid);
    if (!key || header.alg !== ALG) return "invalid";
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: [ALG] });
      if (typeof payload.iss !== "string" || payload.aud !== payload.iss) return "invalid";
      return { payload, expMs: typeof payload.exp === "number" ? payload.exp * 1000 : Infinity };
    } catch (error) {
      return error instanceof joseErrors.JWTExpired ? "expired" : "invalid";
    }
  }

  return async (token: string): Promise<Verification> => {
    const known = verified.get(token);
    if (known) return known.expMs > Date.now() ? known : "expired";
    const result = await verifySignature(token);
    if (typeof result === "object") {
      if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value as string);
      verified.set(token, result);
    }
    return result;
  };
}
