import { generateKeyPairSync, X509Certificate, type KeyObject } from "node:crypto";
import { buildCertificate, type NameAttribute } from "./x509-builder.js";
import { type StandInInstance } from "./types.js";

const DAY_MS = 86_400_000;

function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("rsa", { modulusLength: 2048 });
}

export interface InstanceIdentity {
  certificatePem: string;
  /** PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), as the instance metadata service serves it. */
  privateKeyPem: string;
}

/**
 * The stand-in's PKI: a root CA, the intermediate CA that the instance metadata service serves,
 * and instance leaf certificates whose subject carries OCI's `opc-*` organizational units.
 */
export class CertificateAuthority {
  private readonly root = rsaKeyPair();
  private readonly intermediate = rsaKeyPair();
  private readonly rootName: NameAttribute[] = [
    { type: "O", value: "OCI stand-in" },
    { type: "CN", value: "OCI stand-in root CA" },
  ];
  private readonly intermediateName: NameAttribute[] = [
    { type: "O", value: "OCI stand-in" },
    { type: "CN", value: "PKISVC Identity Intermediate r2 (stand-in)" },
  ];
  readonly rootPem: string;
  readonly intermediatePem: string;
  readonly intermediateCertificate: X509Certificate;

  constructor() {
    const now = Date.now();
    this.rootPem = buildCertificate({
      subject: this.rootName,
      issuer: this.rootName,
      subjectPublicKey: this.root.publicKey,
      issuerPrivateKey: this.root.privateKey,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 3650 * DAY_MS),
      ca: true,
    });
    this.intermediatePem = buildCertificate({
      subject: this.intermediateName,
      issuer: this.rootName,
      subjectPublicKey: this.intermediate.publicKey,
      issuerPrivateKey: this.root.privateKey,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      ca: true,
    });
    this.intermediateCertificate = new X509Certificate(this.intermediatePem);
  }

  /** A leaf certificate for an instance, valid for a day (OCI rotates them every few hours). */
  issueInstanceIdentity(instance: StandInInstance): InstanceIdentity {
    const key = rsaKeyPair();
    const now = Date.now();
    const certificatePem = buildCertificate({
      subject: [
        { type: "CN", value: instance.id },
        { type: "OU", value: "opc-certtype:instance" },
        { type: "OU", value: `opc-compartment:${instance.compartmentId}` },
        { type: "OU", value: `opc-instance:${instance.id}` },
        { type: "OU", value: `opc-tenant:${instance.tenancyId}` },
      ],
      issuer: this.intermediateName,
      subjectPublicKey: key.publicKey,
      issuerPrivateKey: this.intermediate.privateKey,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + DAY_MS),
      ca: false,
    });
    return { certificatePem, privateKeyPem: key.privateKey.export({ type: "pkcs1", format: "pem" }).toString() };
  }

  /** True when `leaf` was issued by this CA's intermediate and is within its validity period. */
  issued(leaf: X509Certificate, intermediate: X509Certificate): boolean {
    if (intermediate.fingerprint256 !== this.intermediateCertificate.fingerprint256) return false;
    if (!leaf.verify(this.intermediateCertificate.publicKey) || !leaf.checkIssued(this.intermediateCertificate)) return false;
    const now = Date.now();
    return Date.parse(leaf.validFrom) <= now && now <= Date.parse(leaf.validTo);
  }
}

/** Reads `opc-*:<value>` organizational units from a certificate subject. */
export function opcAttributes(certificate: X509Certificate): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const line of certificate.subject.split("\n")) {
    const match = /^OU=(opc-[a-z-]+):(.+)$/.exec(line);
    if (match) attributes[match[1]!] = match[2]!;
  }
  return attributes;
}
