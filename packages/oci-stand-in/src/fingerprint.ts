import { createHash, createPublicKey } from "node:crypto";

/** OCI API key fingerprint: colon-separated lowercase MD5 of the DER SubjectPublicKeyInfo. */
export function ociFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  const hex = createHash("md5").update(der).digest("hex");
  return hex.match(/../g)!.join(":");
}
