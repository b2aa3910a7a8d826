// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient typings of an untyped CommonJS package
/// <reference path="./http-signature.d.ts" />
import httpSignature, { type ParsedSignature } from "http-signature";
import { type KeyObject } from "node:crypto";

/** A request as a signature covers it: lower-case header names, one value each. */
export interface SignedRequestView {
  method: string;
  /** Path and query, as in `(request-target)`. */
  url: string;
  headers: Record<string, string>;
}

const UNCHECKED_SKEW_SECONDS = 1e12;

export type KeyLookup<P> = { ok: true; publicKey: KeyObject; principal: P } | { ok: false; reason: string };

export type SignedRequestCheck<P> =
  { ok: true; principal: P; keyId: string; signedHeaders: string[] } | { ok: false; reason: string; missingAuthorization?: boolean };

/**
 * Verifies an OCI Signature v1 (draft-cavage, rsa-sha256) over `request`: every header in
 * `requiredHeaders` and `date` or `x-date` must be signed, the signed date must be within
 * `clockSkewSeconds` of now, and the key `lookupKey` finds for the keyId must verify it.
 */
export function verifySignedHeaders<P>(
  request: SignedRequestView,
  requiredHeaders: string[],
  clockSkewSeconds: number,
  lookupKey: (keyId: string) => KeyLookup<P>,
): SignedRequestCheck<P> {
  if (!request.headers.authorization) return { ok: false, reason: "missing Authorization header", missingAuthorization: true };
  let parsed: ParsedSignature;
  try {
    parsed = httpSignature.parseRequest(
      { headers: request.headers, method: request.method, url: request.url, httpVersion: "1.1" },
      // The skew is checked below, on the date header that was signed (http-signature looks at x-date even unsigned).
      { headers: requiredHeaders, algorithms: ["rsa-sha256"], clockSkew: UNCHECKED_SKEW_SECONDS, strict: true },
    );
  } catch (error) {
    return { ok: false, reason: `invalid signature: ${(error as Error).message}` };
  }
  if (parsed.scheme !== "Signature") return { ok: false, reason: "authorization scheme is not Signature" };
  const signedHeaders = parsed.params.headers.map((name) => name.toLowerCase());
  const dateFailure = checkSignedDate(request.headers, signedHeaders, clockSkewSeconds);
  if (dateFailure) return { ok: false, reason: dateFailure };

  const key = lookupKey(parsed.keyId);
  if (!key.ok) return key;
  const publicKeyPem = key.publicKey.export({ type: "spki", format: "pem" }).toString();
  if (!httpSignature.verifySignature(parsed, publicKeyPem)) return { ok: false, reason: "signature does not verify" };
  return { ok: true, principal: key.principal, keyId: parsed.keyId, signedHeaders };
}

/** The skew is checked on the date header that was actually signed (x-date wins, as in OCI). */
function checkSignedDate(headers: Record<string, string>, signedHeaders: string[], clockSkewSeconds: number): string | undefined {
  const dateHeader = ["x-date", "date"].find((name) => signedHeaders.includes(name));
  if (!dateHeader) return "neither date nor x-date is a signed header";
  const time = Date.parse(headers[dateHeader] ?? "");
  if (Number.isNaN(time)) return `${dateHeader} is not a valid date`;
  const skewSeconds = Math.abs(Date.now() - time) / 1000;
  if (skewSeconds > clockSkewSeconds) return `clock skew of ${Math.round(skewSeconds)}s on ${dateHeader} exceeds ${clockSkewSeconds}s`;
  return undefined;
}

/** Node's headers as a single-valued, lower-case record. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
