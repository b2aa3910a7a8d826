import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * The root secret (AUTH_SECRET) never encrypts anything itself: HKDF-SHA256 derives from it a
 * 256-bit AES-GCM key that wraps the signing keys, and a separate key-check value that names the
 * secret in the database (root_secrets, signing_key_wraps.secretId) without revealing it.
 */
const SALT = "ociauth root secret";
const WRAP_INFO = "signing-key wrap v1 (aes-256-gcm)";
const CHECK_INFO = "root secret key-check v1";

export interface RootKey {
  /** The key-check value: equal for the same secret, unrelated for another one. */
  id: string;
  wrapKey: Buffer;
}

export function deriveRootKey(secret: string): RootKey {
  const ikm = Buffer.from(secret, "utf8");
  const id = Buffer.from(hkdfSync("sha256", ikm, SALT, CHECK_INFO, 16)).toString("base64url");
  const wrapKey = Buffer.from(hkdfSync("sha256", ikm, SALT, WRAP_INFO, 32));
  return { id, wrapKey };
}

/** AES-256-GCM with the key id as additional data (a wrap moved to another key does not open). */
export function wrapKeyMaterial(root: RootKey, keyId: string, plaintext: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", root.wrapKey, iv);
  cipher.setAAD(Buffer.from(keyId, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** The wrapped bytes, or null when they do not open under this root key (another secret, tampered). */
export function unwrapKeyMaterial(root: RootKey, keyId: string, wrapped: string): Buffer | null {
  const bytes = Buffer.from(wrapped, "base64url");
  if (bytes.length < 12 + 16) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", root.wrapKey, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(keyId, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  } catch {
    return null;
  }
}
