import { createPublicKey, createVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createTestApiKey,
  createTestOcid,
  DEFAULT_OCI_IDENTITY_HOST,
  ociFingerprint,
  signGetUserGoStyle,
  signGetUserWithOciCommon,
} from "./index.js";

// `openssl pkey -pubin -in key.pem -outform DER | openssl md5 -c` gave bb:cf:41:dc:46:73:72:1d:01:9b:bc:79:0d:35:26:20
const SPKI_PEM = `-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC4Zq0GUs2UNSrsNd03I0vC34Hh
ENcT4AkdrskfB846zWWtnfN43OQMTq3ipvpDGfDkEvtGtCydQqytW6c1ofrkB0Px
FCpRAhSRdV/kHzO0+I1q79EN0dLVUAIkBvYF8/77/jOsPbWQY6P5YhUORnunp7wm
iidMRjTAP/eJ2ePriwIDAQAB
-----END PUBLIC KEY-----`;
const PKCS1_PEM = `-----BEGIN RSA PUBLIC KEY-----
MIGJAoGBALhmrQZSzZQ1Kuw13TcjS8LfgeEQ1xPgCR2uyR8HzjrNZa2d83jc5AxO
reKm+kMZ8OQS+0a0LJ1CrK1bpzWh+uQHQ/EUKlECFJF1X+QfM7T4jWrv0Q3R0tVQ
AiQG9gXz/vv+M6w9tZBjo/liFQ5Ge6envCaKJ0xGNMA/94nZ4+uLAgMBAAE=
-----END RSA PUBLIC KEY-----`;

const tenancyOcid = createTestOcid("tenancy");
const userOcid = createTestOcid("user");

function signatureOf(authorization: string): string {
  return /signature="([^"]+)"/.exec(authorization)![1]!;
}

function verifies(signingString: string, authorization: string, publicKeyPem: string): boolean {
  return createVerify("sha256").update(signingString).verify(publicKeyPem, signatureOf(authorization), "base64");
}

describe("ociFingerprint", () => {
  it("is the colon-separated MD5 of the DER SubjectPublicKeyInfo, whatever the PEM form", () => {
    expect(ociFingerprint(SPKI_PEM)).toBe("bb:cf:41:dc:46:73:72:1d:01:9b:bc:79:0d:35:26:20");
    expect(ociFingerprint(PKCS1_PEM)).toBe("bb:cf:41:dc:46:73:72:1d:01:9b:bc:79:0d:35:26:20");
  });
});

describe("createTestApiKey", () => {
  it("creates an RSA 2048 key pair with a PKCS#8 private key and its fingerprint", () => {
    const key = createTestApiKey();
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPublicKey(key.publicKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(key.fingerprint).toBe(ociFingerprint(key.publicKeyPem));
    expect(key.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  });
});

describe("signGetUserWithOciCommon", () => {
  const key = createTestApiKey();

  it("signs x-date (request-target) host of the absolute GetUser URI, as oci-common does", async () => {
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid,
      fingerprint: key.fingerprint,
      privateKeyPem: key.privateKeyPem,
    });

    expect(Object.keys(headers).sort()).toEqual(["authorization", "date", "host", "x-date"]);
    expect(headers.host).toBe(DEFAULT_OCI_IDENTITY_HOST);
    expect(headers.authorization).toMatch(
      new RegExp(
        `^Signature version="1",keyId="${tenancyOcid}/${userOcid}/${key.fingerprint}",algorithm="rsa-sha256",` +
          `headers="x-date \\(request-target\\) host",signature="[A-Za-z0-9+/=]+"$`,
      ),
    );
    const signingString = `x-date: ${headers["x-date"]}\n(request-target): get /20160918/users/${userOcid}\nhost: ${headers.host}`;
    expect(verifies(signingString, headers.authorization, key.publicKeyPem)).toBe(true);
  });

  it("signs a custom host and target user", async () => {
    const target = createTestOcid("user");
    const host = "identity.eu-frankfurt-1.oraclecloud.com";
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid,
      fingerprint: key.fingerprint,
      privateKeyPem: key.privateKeyPem,
      host,
      targetUserOcid: target,
    });
    expect(headers.host).toBe(host);
    const signingString = `x-date: ${headers["x-date"]}\n(request-target): get /20160918/users/${target}\nhost: ${host}`;
    expect(verifies(signingString, headers.authorization, key.publicKeyPem)).toBe(true);
  });
});

describe("signGetUserWithOciCommon with a preset date", () => {
  it("signs the given x-date; another second gives another signature", async () => {
    const key = createTestApiKey();
    const input = { tenancyOcid, userOcid, fingerprint: key.fingerprint, privateKeyPem: key.privateKeyPem };
    const date = new Date("2026-11-27T17:02:58Z");
    const first = await signGetUserWithOciCommon({ ...input, date });
    expect(first["x-date"]).toBe("Fri, 27 Nov 2026 17:02:58 GMT");
    const signingString = `x-date: ${first["x-date"]}\n(request-target): get /20160918/users/${userOcid}\nhost: ${first.host}`;
    expect(verifies(signingString, first.authorization, key.publicKeyPem)).toBe(true);
    expect((await signGetUserWithOciCommon({ ...input, date })).authorization).toBe(first.authorization);
    expect((await signGetUserWithOciCommon({ ...input, date: new Date(date.getTime() + 1000) })).authorization).not.toBe(
      first.authorization,
    );
  });
});

describe("signGetUserGoStyle", () => {
  it("signs date (request-target) host with the Go SDK's parameter order and the given date", () => {
    const key = createTestApiKey();
    const date = new Date("2026-11-27T17:02:58Z");
    const headers = signGetUserGoStyle({ tenancyOcid, userOcid, fingerprint: key.fingerprint, privateKeyPem: key.privateKeyPem, date });

    expect(headers.date).toBe("Fri, 27 Nov 2026 17:02:58 GMT");
    expect(headers.host).toBe(DEFAULT_OCI_IDENTITY_HOST);
    expect(headers.authorization).toMatch(
      new RegExp(
        `^Signature version="1",headers="date \\(request-target\\) host",keyId="${tenancyOcid}/${userOcid}/${key.fingerprint}",` +
          `algorithm="rsa-sha256",signature="[A-Za-z0-9+/=]+"$`,
      ),
    );
    const signingString = `date: ${headers.date}\n(request-target): get /20160918/users/${userOcid}\nhost: ${headers.host}`;
    expect(verifies(signingString, headers.authorization, key.publicKeyPem)).toBe(true);
  });
});
