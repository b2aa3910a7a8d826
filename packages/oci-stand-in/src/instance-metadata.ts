import { type IncomingMessage } from "node:http";
import { type CertificateAuthority } from "./certificate-authority.js";
import { type InstanceRegistry } from "./instance-registry.js";
import { metadataRegion, regionKey } from "./region-codes.js";
import { type StandInInstance } from "./types.js";

/** `/opc/v2/…` (the default instance) or `/imds/<instance ocid>/opc/v2/…`. */
const METADATA_PATH = /^(?:\/imds\/([^/]+))?\/opc\/v2\/(.*)$/;

export function isInstanceMetadataPath(path: string): boolean {
  return METADATA_PATH.test(path);
}

export type MetadataAnswer = { status: number; contentType: string; body: string; reason?: string };

/**
 * Answers OCI's instance metadata service v2: `instance/` (JSON), `instance/<field>`,
 * `identity/cert.pem`, `identity/key.pem` and `identity/intermediate.pem`. Like OCI it
 * requires `Authorization: Bearer Oracle`.
 */
export function answerInstanceMetadata(
  req: IncomingMessage,
  path: string,
  instances: InstanceRegistry,
  authority: CertificateAuthority,
): MetadataAnswer {
  const text = (status: number, body: string, reason?: string): MetadataAnswer => ({ status, contentType: "text/plain", body, reason });
  if (req.method !== "GET") return text(405, "Method Not Allowed\n", "instance metadata is read with GET");
  if (req.headers.authorization !== "Bearer Oracle") {
    return text(401, "Unauthorized: send the header Authorization: Bearer Oracle\n", "missing Authorization: Bearer Oracle");
  }
  const match = METADATA_PATH.exec(path)!;
  const instanceId = match[1] === undefined ? instances.first()?.id : safeDecode(match[1]);
  const instance = instanceId === undefined ? undefined : instances.get(instanceId);
  if (!instance) return text(404, "Not Found\n", `no instance ${instanceId ?? "declared"}`);
  const resource = match[2] ?? "";

  if (resource.startsWith("identity/")) {
    const identity = instances.identity(instance.id)!;
    const files: Record<string, string> = {
      "identity/cert.pem": identity.certificatePem,
      "identity/key.pem": identity.privateKeyPem,
      "identity/intermediate.pem": authority.intermediatePem,
    };
    const file = files[resource];
    return file === undefined ? text(404, "Not Found\n", `no metadata ${resource}`) : text(200, file);
  }

  const document = instanceDocument(instance, instances.timeCreated(instance.id)!);
  if (resource === "instance" || resource === "instance/") {
    return { status: 200, contentType: "application/json", body: JSON.stringify(document, null, 2) };
  }
  const field = /^instance\/([^/]+)\/?$/.exec(resource)?.[1];
  if (field !== undefined && field in document) {
    const value = document[field];
    return typeof value === "string"
      ? text(200, value)
      : { status: 200, contentType: "application/json", body: JSON.stringify(value, null, 2) };
  }
  return text(404, "Not Found\n", `no metadata ${resource}`);
}

function instanceDocument(instance: StandInInstance, timeCreated: string): Record<string, unknown> {
  const key = regionKey(instance.region);
  return {
    availabilityDomain: `Uocm:${key}-AD-1`,
    faultDomain: "FAULT-DOMAIN-1",
    compartmentId: instance.compartmentId,
    tenantId: instance.tenancyId,
    displayName: instance.displayName ?? "stand-in-instance",
    hostname: instance.displayName ?? "stand-in-instance",
    id: instance.id,
    image: "ocid1.image.oc1..standin",
    metadata: {},
    region: metadataRegion(instance.region),
    canonicalRegionName: instance.region,
    ociAdName: `${instance.region}-ad-1`,
    regionInfo: { realmKey: "oc1", realmDomainComponent: "oraclecloud.com", regionKey: key, regionIdentifier: instance.region },
    shape: "VM.Standard.E4.Flex",
    state: "Running",
    timeCreated: Date.parse(timeCreated),
  };
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
