import { type IncomingMessage } from "node:http";
import { lookupApiKey } from "./principals.js";
import { type DirectoryEntry, type UserDirectory } from "./user-directory.js";
import { flattenHeaders, verifySignedHeaders } from "./verify-signed-headers.js";

export type VerifyResult = { ok: true; signer: DirectoryEntry } | { ok: false; reason: string; missingAuthorization?: boolean };

/**
 * Authenticates an OCI Signature v1 request signed with a user's API key: draft-cavage rsa-sha256
 * over at least `(request-target)`, `host` and `date` or `x-date`, keyId `tenancy/user/fingerprint`.
 */
export function verifyOciSignature(req: IncomingMessage, users: UserDirectory, clockSkewSeconds: number): VerifyResult {
  const view = { method: req.method ?? "GET", url: req.url ?? "/", headers: flattenHeaders(req.headers) };
  const verified = verifySignedHeaders(view, ["(request-target)", "host"], clockSkewSeconds, (keyId) => lookupApiKey(keyId, users));
  return verified.ok ? { ok: true, signer: verified.principal.entry } : verified;
}
