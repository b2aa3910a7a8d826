import { createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { invalidParameter, notAuthenticated, type RouteAnswer } from "./answer.js";
import { opcAttributes, type CertificateAuthority } from "./certificate-authority.js";
import { type InstanceRegistry } from "./instance-registry.js";
import { checkBodyDigest, parseJsonObject } from "./request-body.js";
import { type SecurityTokens } from "./security-tokens.js";
import { verifySignedHeaders, type SignedRequestView } from "./verify-signed-headers.js";

export const BODY_SIGNED_HEADERS = ["(request-target)", "host", "content-type", "content-length", "x-content-sha256"];

export interface FederationContext {
  authority: CertificateAuthority;
  instances: InstanceRegistry;
  tokens: SecurityTokens;
  clockSkewSeconds: number;
}

/**
 * `POST /v1/x509`: an instance trades its identity certificate (and the request signed with the
 * certificate's key, keyId `<tenancy>/fed-x509/<sha1 fingerprint>`) for a security token bound to
 * the session public key it sends.
 */
export function answerX509Federation(request: SignedRequestView, body: Buffer, context: FederationContext): RouteAnswer {
  const payload = parseJsonObject(body);
  if (!payload) return invalidParameter("The request body must be a JSON object with certificate, publicKey and intermediateCertificates.");
  const { certificate, publicKey, intermediateCertificates } = payload;
  if (typeof certificate !== "string" || typeof publicKey !== "string") {
    return invalidParameter("certificate and publicKey must be base64 DER strings.");
  }
  if (!Array.isArray(intermediateCertificates) || !intermediateCertificates.every((item) => typeof item === "string")) {
    return invalidParameter("intermediateCertificates must be an array of base64 DER strings.");
  }
  const leaf = parseCertificate(certificate);
  if (!leaf) return invalidParameter("certificate is not a base64 DER X.509 certificate.");
  const intermediates = intermediateCertificates.map(parseCertificate);
  if (!intermediates.some((intermediate) => intermediate && context.authority.issued(leaf, intermediate))) {
    return notAuthenticated("certificate is not valid or not issued by the stand-in's intermediate CA");
  }
  const attributes = opcAttributes(leaf);
  const instanceId = attributes["opc-instance"];
  const tenancyId = attributes["opc-tenant"];
  const compartmentId = attributes["opc-compartment"];
  if (!instanceId || !tenancyId || !compartmentId) return notAuthenticated("certificate lacks opc-instance, opc-tenant or opc-compartment");
  if (!context.instances.get(instanceId)) return notAuthenticated(`unknown instance ${instanceId}`);

  const sha1Fingerprint = leaf.fingerprint.replace(/:/g, "").toLowerCase();
  const verified = verifySignedHeaders(request, BODY_SIGNED_HEADERS, context.clockSkewSeconds, (keyId) => {
    const [keyTenancy, kind, fingerprint] = keyId.split("/");
    if (kind !== "fed-x509" || keyTenancy !== tenancyId) return { ok: false, reason: `keyId is not ${tenancyId}/fed-x509/<fingerprint>` };
    if (fingerprint?.replace(/:/g, "").toLowerCase() !== sha1Fingerprint)
      return { ok: false, reason: "keyId fingerprint is not the certificate's" };
    return { ok: true, publicKey: leaf.publicKey, principal: undefined };
  });
  if (!verified.ok) return notAuthenticated(verified.reason);
  const digestFailure = checkBodyDigest(request.headers, body);
  if (digestFailure) return notAuthenticated(digestFailure);

  const sessionKey = parseSessionKey(publicKey);
  if (!sessionKey) return invalidParameter("publicKey is not a base64 DER RSA public key.");
  const token = context.tokens.instanceToken({ instanceId, compartmentId, tenancyId, sha1Fingerprint }, sessionKey);
  return { kind: "json", status: 200, body: { token } };
}

function parseCertificate(base64: string): X509Certificate | undefined {
  try {
    return new X509Certificate(Buffer.from(base64, "base64"));
  } catch {
    return undefined;
  }
}

function parseSessionKey(base64: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(base64, "base64"), format: "der", type: "spki" });
    return key.asymmetricKeyType === "rsa" ? key : undefined;
  } catch {
    return undefined;
  }
}
