import { generateKeyPairSync } from "node:crypto";
import { ociFingerprint } from "./fingerprint.js";

export interface TestApiKey {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM, the form OCI's console accepts for API keys. */
  publicKeyPem: string;
  fingerprint: string;
}

/** A fresh RSA 2048 API key pair, as OCI users upload them. */
export function createTestApiKey(): TestApiKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey, fingerprint: ociFingerprint(publicKey) };
}
