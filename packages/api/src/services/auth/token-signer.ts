import type { Keyring, LoadedKey } from "../keys/keyring";
import { LEGACY_ALG } from "../keys/keyring";
import { type SignOptions, signToken, type TokenClaims, type Verified, type VerifyResult, verifyTokenSignature } from "./tokens-jwt";

const MAX_VERIFIED = 10_000;

/** Signs and verifies this database's tokens with its keyring; one per Runtime. */
export class TokenSigner {
  /**
   * Tokens whose signature was already verified, so a token used again skips the signature check.
   * Keyed by the whole token string; expiry is still checked on every use (here and against the row).
   */
  private readonly verified = new Map<string, Verified>();

  constructor(
    readonly keyring: Keyring,
    /** This service's issuer URL (PUBLIC_URL, or the listen address for local use). */
    readonly issuer: string,
  ) {}

  /** The key that signs now: taken before the token's row is written, so the row names it. */
  currentKey(): LoadedKey {
    return this.keyring.signingKey();
  }

  sign(claims: TokenClaims, expiresAt: Date | null, options: Omit<SignOptions, "issuer"> & { key?: LoadedKey } = {}): Promise<string> {
    return signToken(options.key ?? this.currentKey(), claims, expiresAt, { ...options, issuer: this.issuer });
  }

  async verify(token: string): Promise<VerifyResult> {
    const known = this.verified.get(token);
    if (known) return known.expMs > Date.now() ? { ok: true, ...known } : { ok: false, reason: "expired" };
    const result = await verifyTokenSignature(async ({ kid, alg }) => {
      if (kid !== undefined) return this.keyring.keyFor(kid);
      return alg === LEGACY_ALG ? this.keyring.legacyKey() : undefined;
    }, token);
    if (result.ok) {
      if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value as string);
      const { ok: _ok, ...verified } = result;
      this.verified.set(token, verified);
    }
    return result;
  }
}
