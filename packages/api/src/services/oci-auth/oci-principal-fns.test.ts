import { describe, expect, it } from "vitest";
import {
  findSignedChallenge,
  type LoginPrincipal,
  OCI_AUTH_HOST_PATTERN,
  outerHeadersToForward,
  parseInnerRequestHeaders,
  refusePrincipal,
  regionOfHost,
  toLoginPrincipal,
} from "./oci-principal-fns";
import { OCI_IDENTITY_HOST_PATTERN } from "./oci-signature-fns";

const CHALLENGE = "q0GkGm0n4m3v3A0x9bQv3Q6iQ0hQ3JwQ8yLkq9d1c2E";
const NOW = Date.UTC(2026, 11, 3, 17, 0, 0);
const DATE = new Date(NOW).toUTCString();
const auth = (headers: string) => `Signature version="1",keyId="ST$eyJ",algorithm="rsa-sha256",headers="${headers}",signature="c2ln"`;
const TENANCY = "ocid1.tenancy.oc1..aaaatenancy";
const COMPARTMENT = "ocid1.compartment.oc1..aaaacompartment";

describe("regionOfHost", () => {
  it("reads the region of auth and identity hosts only", () => {
    expect(regionOfHost("auth.us-ashburn-1.oraclecloud.com", OCI_AUTH_HOST_PATTERN)).toBe("us-ashburn-1");
    expect(regionOfHost("identity.eu-frankfurt-1.oraclecloud.com", OCI_IDENTITY_HOST_PATTERN)).toBe("eu-frankfurt-1");
    for (const host of [
      "auth.us-ashburn-1.oraclecloud.com.evil.io",
      "identity.us-ashburn-1.oraclecloud.com",
      "auth.us-ashburn-1.oraclecloud.com:443",
      "AUTH.us-ashburn-1.oraclecloud.com",
    ]) {
      expect(regionOfHost(host, OCI_AUTH_HOST_PATTERN), host).toBeNull();
    }
  });
});

describe("parseInnerRequestHeaders", () => {
  it("lower-cases names and joins repeated values", () => {
    expect(parseInnerRequestHeaders(JSON.stringify({ requestHeaders: { Host: ["a"], "X-Multi": ["1", "2"] } }))).toEqual({
      host: "a",
      "x-multi": "1, 2",
    });
  });
  it.each([
    "not json",
    "[]",
    "{}",
    '{"requestHeaders": []}',
    '{"requestHeaders": {"a": "b"}}',
    '{"requestHeaders": {"a": []}}',
    '{"requestHeaders": {"a": [1]}}',
    '{"requestHeaders": {"A": ["1"], "a": ["2"]}}',
  ])("refuses %s", (body) => expect(parseInnerRequestHeaders(body)).toBeNull());
});

describe("findSignedChallenge", () => {
  const inTarget = {
    "(request-target)": `get /api/v1/auth/oci-auth/login/principal?challenge=${CHALLENGE}`,
    "x-date": DATE,
    host: "ociauth.example.com",
    authorization: auth("x-date (request-target) host"),
  };

  it("finds the challenge in the signed request-target", () => {
    expect(findSignedChallenge(inTarget, NOW)).toMatchObject({ ok: true, challenge: CHALLENGE, boundBy: "request-target" });
  });

  it("finds it in a signed x-ociauth-challenge header", () => {
    const inner = { date: DATE, "x-ociauth-challenge": CHALLENGE, authorization: auth("date x-ociauth-challenge") };
    expect(findSignedChallenge(inner, NOW)).toMatchObject({ ok: true, challenge: CHALLENGE, boundBy: "header" });
  });

  it("ignores a challenge the signature does not cover, or on another path", () => {
    expect(findSignedChallenge({ ...inTarget, authorization: auth("x-date host") }, NOW)).toEqual({ ok: false, problem: "not_signed" });
    expect(findSignedChallenge({ ...inTarget, "(request-target)": `get /elsewhere?challenge=${CHALLENGE}` }, NOW)).toEqual({
      ok: false,
      problem: "not_signed",
    });
    expect(findSignedChallenge({ date: DATE, "x-ociauth-challenge": CHALLENGE, authorization: auth("date") }, NOW)).toEqual({
      ok: false,
      problem: "not_signed",
    });
  });

  it("refuses two different challenges, a malformed one, no signature, and a date outside the skew", () => {
    const both = {
      ...inTarget,
      "x-ociauth-challenge": "B".repeat(43),
      authorization: auth("x-date (request-target) host x-ociauth-challenge"),
    };
    expect(findSignedChallenge(both, NOW)).toEqual({ ok: false, problem: "ambiguous" });
    expect(
      findSignedChallenge({ ...inTarget, "(request-target)": "get /api/v1/auth/oci-auth/login/principal?challenge=short" }, NOW),
    ).toEqual({ ok: false, problem: "malformed" });
    const { authorization: _omit, ...unsigned } = inTarget;
    expect(findSignedChallenge(unsigned, NOW)).toEqual({ ok: false, problem: "no_signature" });
    expect(findSignedChallenge(inTarget, NOW + 301_000)).toMatchObject({ ok: false, problem: "date" });
    expect(findSignedChallenge({ ...inTarget, authorization: auth("(request-target) host") }, NOW)).toMatchObject({
      ok: false,
      problem: "date",
    });
  });
});

describe("toLoginPrincipal", () => {
  it("reads instances, resources and users", () => {
    const claims = (entries: Record<string, string>) => ({ tenantId: TENANCY, subjectId: "ocid1.x.oc1..s", claims: entries });
    expect(toLoginPrincipal(claims({ ptype: "instance", "opc-compartment": COMPARTMENT }), "us-ashburn-1")).toEqual({
      type: "instance",
      ocid: "ocid1.x.oc1..s",
      tenancyOcid: TENANCY,
      compartmentOcid: COMPARTMENT,
      region: "us-ashburn-1",
    });
    expect(toLoginPrincipal(claims({ ptype: "resource", res_compartment: COMPARTMENT }), "r")?.compartmentOcid).toBe(COMPARTMENT);
    expect(toLoginPrincipal({ tenantId: TENANCY, subjectId: "ocid1.user.oc1..u", claims: {} }, "r")).toMatchObject({
      type: "user",
      compartmentOcid: TENANCY,
    });
  });
  it("returns null for what it cannot classify", () => {
    expect(toLoginPrincipal({ tenantId: TENANCY, subjectId: "ocid1.instance.oc1..i", claims: {} }, "r")).toBeNull();
    expect(toLoginPrincipal({ tenantId: TENANCY, subjectId: "s", claims: { ptype: "instance" } }, "r")).toBeNull();
    expect(toLoginPrincipal({ tenantId: TENANCY, subjectId: "s", claims: { ptype: "service" } }, "r")).toBeNull();
  });
});

describe("refusePrincipal", () => {
  const instance: LoginPrincipal = {
    type: "instance",
    ocid: "ocid1.instance.oc1.iad.i",
    tenancyOcid: TENANCY,
    compartmentOcid: COMPARTMENT,
    region: "us-ashburn-1",
  };
  const user: LoginPrincipal = {
    type: "user",
    ocid: "ocid1.user.oc1..u",
    tenancyOcid: TENANCY,
    compartmentOcid: TENANCY,
    region: "us-ashburn-1",
  };
  const reason = (rules: Record<string, unknown>, principal = instance, usernameKnown = false) =>
    refusePrincipal({ tenancyOcid: TENANCY, ...rules }, principal, { usernameKnown })?.reason ?? null;

  it("lets in what every rule in force allows; users only by default", () => {
    expect(reason({}, user)).toBeNull();
    expect(reason({})).toBe("principal_type_not_allowed");
    expect(
      reason({
        allowedPrincipalTypes: ["instance"],
        allowedCompartmentOcids: `x, ${COMPARTMENT}`,
        allowedPrincipalOcids: instance.ocid,
        allowedRegions: "us-ashburn-1",
      }),
    ).toBeNull();
  });

  it("refuses each rule, in order", () => {
    const types = { allowedPrincipalTypes: ["instance", "user"] };
    expect(reason(types, { ...instance, tenancyOcid: "ocid1.tenancy.oc1..other" })).toBe("tenancy_not_allowed");
    expect(reason({ ...types, allowedCompartmentOcids: TENANCY })).toBe("compartment_not_allowed");
    expect(reason({ ...types, allowedPrincipalOcids: "ocid1.instance.oc1.iad.other" })).toBe("principal_not_allowed");
    expect(reason({ ...types, allowedRegions: "eu-frankfurt-1" })).toBe("region_not_allowed");
    expect(reason({ ...types, allowedRegions: "eu-frankfurt-1", allowedPrincipalOcids: "x" })).toBe("principal_not_allowed");
  });

  it("refuses users of a principal login when usernames are restricted, not when the login read the name", () => {
    expect(reason({ allowedUsernames: "alice" }, user, false)).toBe("username_not_allowed");
    expect(reason({ allowedUsernames: "alice" }, user, true)).toBeNull();
    expect(reason({ allowedUsernames: "alice", allowedPrincipalTypes: ["instance"] }, instance, false)).toBeNull();
  });

  it("says what to change", () => {
    expect(refusePrincipal({ tenancyOcid: TENANCY }, instance, { usernameKnown: false })?.message).toBe(
      'Access denied: instance principals may not log in as this identity (allowed: OCI users (API keys)). Add "instance" to allowedPrincipalTypes in the identity\'s OCI auth settings.',
    );
  });
});

describe("outerHeadersToForward", () => {
  const headers = {
    authorization: "a",
    host: "h",
    "x-date": "d",
    "content-type": "application/json",
    "content-length": "99",
    "x-content-sha256": "s",
    "x-evil": "e",
  };
  it("forwards the signed headers, authorization and content-type, not the rest", () => {
    expect(
      outerHeadersToForward(headers, ["(request-target)", "host", "x-date", "x-content-sha256", "content-length", "content-type"]),
    ).toEqual({
      host: "h",
      "x-date": "d",
      "x-content-sha256": "s",
      authorization: "a",
      "content-type": "application/json",
    });
  });
  it("refuses a signed connection header", () => {
    expect(outerHeadersToForward({ ...headers, "transfer-encoding": "chunked" }, ["host", "transfer-encoding"])).toBeNull();
  });
});
