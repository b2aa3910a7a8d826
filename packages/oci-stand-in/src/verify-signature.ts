// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient typings of an untyped CommonJS package, visible to importers too
/// <reference path="./http-signature.d.ts" />
import httpSignature, { type ParsedSignature } from "http-signature";
import { type IncomingMessage } from "node:http";
import { type UserDirectory, type DirectoryEntry } from "./user-directory.js";

export type VerifyResult = { ok: true; signer: DirectoryEntry } | { ok: false; reason: string; missingAuthorization?: boolean };

/**
 * Authenticates an OCI Signature v1 request: draft-cavage rsa-sha256 over at least
 * `(request-target)`, `host` and `date` or `x-date`, keyId `tenancy/user/fingerprint`.
 */
export function verifyOciSignature(req: IncomingMessage, users: UserDirectory, clockSkewSeconds: number): VerifyResult {
  if (!req.headers.authorization) return { ok: false, reason: "missing Authorization header", missingAuthorization: true };

  let parsed: ParsedSignature;
  try {
    parsed = httpSignature.parseRequest(req, {
      headers: ["(request-target)", "host"],
      algorithms: ["rsa-sha256"],
      clockSkew: clockSkewSeconds,
      strict: true,
    });
  } catch (error) {
    return { ok: false, reason: `invalid signature header: ${(error as Error).message}` };
  }
  if (parsed.scheme !== "Signature") return { ok: false, reason: "authorization scheme is not Signature" };

  const dateFailure = checkSignedDate(req, parsed.params.headers, clockSkewSeconds);
  if (dateFailure) return { ok: false, reason: dateFailure };

  const keyParts = parsed.keyId.split("/");
  if (keyParts.length !== 3 || keyParts.some((part) => part === "")) {
    return { ok: false, reason: `keyId is not tenancy/user/fingerprint: ${parsed.keyId}` };
  }
  const [tenancyOcid, userOcid, fingerprint] = keyParts as [string, string, string];
  const signer = users.get(userOcid);
  if (!signer) return { ok: false, reason: `unknown signing user ${userOcid}` };
  if (signer.user.compartmentId !== tenancyOcid) {
    return { ok: false, reason: `signing user ${userOcid} is not in tenancy ${tenancyOcid}` };
  }
  if ((signer.user.lifecycleState ?? "ACTIVE") !== "ACTIVE") {
    return { ok: false, reason: `signing user ${userOcid} is ${signer.user.lifecycleState}` };
  }
  const publicKeyPem = signer.keys.get(fingerprint);
  if (!publicKeyPem) return { ok: false, reason: `unknown key fingerprint ${fingerprint} for user ${userOcid}` };
  if (!httpSignature.verifySignature(parsed, publicKeyPem)) return { ok: false, reason: "signature does not verify" };
  return { ok: true, signer };
}

/**
 * http-signature measures skew on `x-date` whenever it is present, even unsigned, so the
 * skew is checked again here on the header that was actually signed (x-date wins, as in OCI).
 */
function checkSignedDate(req: IncomingMessage, signedHeaders: string[], clockSkewSeconds: number): string | undefined {
  const dateHeader = ["x-date", "date"].find((name) => signedHeaders.includes(name));
  if (!dateHeader) return "neither date nor x-date is a signed header";
  const value = req.headers[dateHeader];
  const time = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) return `${dateHeader} is not a valid date`;
  const skewSeconds = Math.abs(Date.now() - time) / 1000;
  if (skewSeconds > clockSkewSeconds) {
    return `clock skew of ${Math.round(skewSeconds)}s on ${dateHeader} exceeds ${clockSkewSeconds}s`;
  }
  return undefined;
}
