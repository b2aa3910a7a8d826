import { randomBytes } from "node:crypto";
import { type Db, getOrCreateSetting, runOutsideRequestScope } from "@ociauth/db";
import type { AppConfig } from "../../core/config";
import { type SigningKey, signToken, type TokenClaims, type VerifyResult, verifyTokenSignature } from "./tokens-jwt";

const SECRET_SETTING = "auth-secret";
const MAX_VERIFIED = 10_000;

/**
 * The HS256 key: AUTH_SECRET, or a random secret generated once and stored in the database, so
 * every instance sharing the database (and every restart) signs and verifies with the same key.
 * Imported once: a raw secret would be re-imported by WebCrypto on every sign and verify.
 */
export async function loadSigningKey(db: Db, config: AppConfig): Promise<SigningKey> {
  const secret = config.AUTH_SECRET ?? (await getOrCreateSetting(db, SECRET_SETTING, randomBytes(48).toString("base64url")));
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** Signs and verifies this database's tokens; one per Runtime. */
export class TokenSigner {
  private keyPromise: Promise<SigningKey> | undefined;
  /**
   * Tokens whose signature was already verified, so a token used again skips the HMAC. Keyed by
   * the whole token string; expiry is still checked on every use (here and against the row).
   */
  private readonly verified = new Map<string, { claims: TokenClaims; expMs: number }>();

  constructor(
    private readonly db: Db,
    private readonly config: AppConfig,
  ) {}

  key(): Promise<SigningKey> {
    // Loaded once for every request: no request's deadline may cancel it.
    this.keyPromise ??= runOutsideRequestScope(() => loadSigningKey(this.db, this.config)).catch((error) => {
      this.keyPromise = undefined;
      throw error;
    });
    return this.keyPromise;
  }

  async sign(claims: TokenClaims, expiresAt: Date | null): Promise<string> {
    return signToken(await this.key(), claims, expiresAt);
  }

  async verify(token: string): Promise<VerifyResult> {
    const known = this.verified.get(token);
    if (known) return known.expMs > Date.now() ? { ok: true, claims: known.claims } : { ok: false, reason: "expired" };
    const result = await verifyTokenSignature(await this.key(), token);
    if (result.ok) {
      if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { claims: result.claims, expMs: result.expMs });
    }
    return result.ok ? { ok: true, claims: result.claims } : result;
  }
}
