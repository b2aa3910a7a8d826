/**
 * Reads the signer of an OCI Signature v1 `Authorization` header:
 * `Signature version="1",keyId="<tenancy>/<user>/<fingerprint>",algorithm="rsa-sha256",headers="…",signature="…"`.
 * Only user API-key signatures carry a user OCID; security-token keyIds (`ST$…`, instance and
 * resource principals) are not user signatures.
 */
export type SignerResult =
  | {
      ok: true;
      tenancyOcid: string;
      userOcid: string;
      fingerprint: string;
      /** The signed header names, lower-cased, in order (e.g. `x-date`, `(request-target)`, `host`). */
      signedHeaders: string[];
      /** The signature's bytes (decoded from standard base64). */
      signature: Buffer;
    }
  | { ok: false; reason: "malformed" | "not-user" };

/** Standard padded base64, as OCI's signers write it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const PARAM = /^\s*([A-Za-z][A-Za-z0-9-]*)="([^"]*)"\s*$/;

export function parseSignatureParams(authorization: string): Map<string, string> | null {
  const match = /^Signature\s+(.+)$/i.exec(authorization.trim());
  if (!match) return null;
  const params = new Map<string, string>();
  // Values never contain '",' in OCI signatures (base64, OCIDs, header lists), so split there.
  for (const part of match[1]!.split(/,(?=\s*[A-Za-z][A-Za-z0-9-]*=")/)) {
    const param = PARAM.exec(part);
    if (!param) return null;
    const name = param[1]!.toLowerCase();
    if (params.has(name)) return null;
    params.set(name, param[2]!);
  }
  return params;
}

export function getOciSigner(authorization: string): SignerResult {
  const params = parseSignatureParams(authorization);
  const keyId = params?.get("keyid");
  const signature = params?.get("signature");
  const headers = params?.get("headers")?.trim();
  if (!params || !keyId || !signature || !headers || !BASE64.test(signature)) return { ok: false, reason: "malformed" };
  if (keyId.startsWith("ST$")) return { ok: false, reason: "not-user" };
  const segments = keyId.split("/");
  if (segments.length !== 3 || segments.some((s) => s.trim() === "")) return { ok: false, reason: "malformed" };
  const [tenancyOcid, userOcid, fingerprint] = segments as [string, string, string];
  if (!userOcid.startsWith("ocid1.user.")) return { ok: false, reason: "not-user" };
  return {
    ok: true,
    tenancyOcid,
    userOcid,
    fingerprint,
    signedHeaders: headers.toLowerCase().split(/\s+/),
    signature: Buffer.from(signature, "base64"),
  };
}

/** `identity.<region>.oraclecloud.com` only (the SSRF guard: we never call any other host). */
export const OCI_IDENTITY_HOST_PATTERN = /^identity\.([a-z]{2}-[a-z]+-[1-9])\.oraclecloud\.com$/;

/** A user OCID safe to put in a URL path: `ocid1.user.<realm>.[region].<unique>` of [a-z0-9.-]. */
export const USER_OCID_PATTERN = /^ocid1\.user\.[a-z0-9]+\.[a-z0-9-]*\.[a-z0-9]+$/;
