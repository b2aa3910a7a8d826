import { describe, expect, it } from "vitest";
import { getOciSigner, parseSignatureParams } from "./oci-signature-fns";

const KEY_ID = "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb";
const auth = (params: Record<string, string>) =>
  `Signature ${Object.entries(params)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}`;
const VALID = { version: "1", keyId: KEY_ID, algorithm: "rsa-sha256", headers: "x-date (request-target) host", signature: "c2lnbmF0dXJl" };

describe("parseSignatureParams", () => {
  it("reads parameters case-insensitively and refuses duplicates", () => {
    expect(parseSignatureParams('Signature keyId="a", Headers="b"')).toEqual(
      new Map([
        ["keyid", "a"],
        ["headers", "b"],
      ]),
    );
    expect(parseSignatureParams('Signature keyId="a",keyid="b"')).toBeNull();
    expect(parseSignatureParams("Bearer x")).toBeNull();
  });
});

describe("getOciSigner", () => {
  it("returns the signer, the signed headers (lower-cased) and the signature bytes", () => {
    expect(getOciSigner(auth({ ...VALID, headers: "X-Date  (request-target) host" }))).toEqual({
      ok: true,
      tenancyOcid: "ocid1.tenancy.oc1..t",
      userOcid: "ocid1.user.oc1..u",
      fingerprint: "aa:bb",
      signedHeaders: ["x-date", "(request-target)", "host"],
      signature: Buffer.from("signature"),
    });
  });

  it("gives the same bytes for another spelling of the same signature (unused base64 bits)", () => {
    // "c2ln" + "bmF0dXJl" pads nothing; "YQ==" vs "YR==" differ only in unused bits.
    const a = getOciSigner(auth({ ...VALID, signature: "YQ==" }));
    const b = getOciSigner(auth({ ...VALID, signature: "YR==" }));
    expect(a.ok && b.ok && a.signature.equals(b.signature)).toBe(true);
  });

  it.each(["", "not base64!", "YQ=", "YQ", "Y===", "YQ==YQ==", "c2ln bmF0dXJl", "c2ln-_"])(
    "refuses the signature %j as malformed",
    (signature) => {
      expect(getOciSigner(auth({ ...VALID, signature }))).toEqual({ ok: false, reason: "malformed" });
    },
  );

  it("refuses missing parameters and security-token keyIds", () => {
    expect(getOciSigner(auth({ ...VALID, headers: " " }))).toEqual({ ok: false, reason: "malformed" });
    const { signature: _signature, ...unsigned } = VALID;
    expect(getOciSigner(auth(unsigned))).toEqual({ ok: false, reason: "malformed" });
    expect(getOciSigner(auth({ ...VALID, keyId: "ST$eyJ" }))).toEqual({ ok: false, reason: "not-user" });
    expect(getOciSigner(auth({ ...VALID, keyId: "t/ocid1.instance.oc1..x/f" }))).toEqual({ ok: false, reason: "not-user" });
  });
});
