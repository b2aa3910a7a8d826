import { createSign, randomBytes, type KeyObject } from "node:crypto";
import * as der from "./der.js";

const OID = {
  sha256WithRsa: "1.2.840.113549.1.1.11",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  subjectKeyIdentifier: "2.5.29.14",
  commonName: "2.5.4.3",
  organizationalUnit: "2.5.4.11",
  organization: "2.5.4.10",
} as const;

export type NameAttribute = { type: "CN" | "OU" | "O"; value: string };

export interface CertificateInput {
  subject: NameAttribute[];
  issuer: NameAttribute[];
  subjectPublicKey: KeyObject;
  issuerPrivateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate may sign other certificates. */
  ca: boolean;
}

const TYPE_OIDS = { CN: OID.commonName, OU: OID.organizationalUnit, O: OID.organization };

function name(attributes: NameAttribute[]): Buffer {
  return der.sequence(
    ...attributes.map((attribute) =>
      der.set(der.sequence(der.objectIdentifier(TYPE_OIDS[attribute.type]), der.utf8String(attribute.value))),
    ),
  );
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.objectIdentifier(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/** A DER X.509 v3 certificate signed with sha256WithRSAEncryption, returned as PEM. */
export function buildCertificate(input: CertificateInput): string {
  const algorithm = der.sequence(der.objectIdentifier(OID.sha256WithRsa), der.nullValue());
  const spki = input.subjectPublicKey.export({ type: "spki", format: "der" });
  // digitalSignature (bit 0), plus keyCertSign (bit 5) and cRLSign (bit 6) for a CA.
  const keyUsage = input.ca ? Buffer.from([0x01, 0x86]) : Buffer.from([0x07, 0x80]);
  const extensions = [
    extension(OID.basicConstraints, true, input.ca ? der.sequence(der.boolean(true)) : der.sequence()),
    extension(OID.keyUsage, true, der.tlv(0x03, keyUsage)),
    extension(OID.subjectKeyIdentifier, false, der.octetString(randomBytes(20))),
  ];
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    algorithm,
    name(input.issuer),
    der.sequence(der.time(input.notBefore), der.time(input.notAfter)),
    name(input.subject),
    spki,
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = createSign("sha256").update(tbs).sign(input.issuerPrivateKey);
  const certificate = der.sequence(tbs, algorithm, der.bitString(signature));
  return toPem("CERTIFICATE", certificate);
}

export function toPem(label: string, derBytes: Buffer): string {
  const lines = derBytes.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
