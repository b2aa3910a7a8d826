import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkInnerRequest,
  findSignedChallenge,
  hostIsAudience,
  type LoginPrincipal,
  OCI_AUTH_HOST_PATTERN,
  outerHeadersToForward,
  parseInnerRequestHeaders,
  parseRequestTarget,
  principalOfKeyId,
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

/** Hostile request-targets: none may throw, none is a path on this service's host. */
const HOSTILE_TARGETS = [
  "get //[",
  "get //evil.example.com/api/v1/auth/oci-auth/login/principal?challenge=x",
  "get https://evil.example.com/api/v1/auth/oci-auth/login/principal",
  "get *",
  "get",
  "get ",
  "get  /two-spaces",
  "GET /upper-case-method",
  "get /a b",
  "get /\u0000",
  "get http://[::1/",
  "get /\u00e9",
  "/no-method",
  "",
];

describe("parseRequestTarget", () => {
  it("reads a method and a path", () => {
    expect(parseRequestTarget(`get /api/v1/auth/oci-auth/login/principal?challenge=${CHALLENGE}`)?.searchParams.get("challenge")).toBe(
      CHALLENGE,
    );
    expect(parseRequestTarget("post /")?.pathname).toBe("/");
  });
  it.each(HOSTILE_TARGETS)("refuses %j without throwing", (target) => expect(parseRequestTarget(target)).toBeNull());
  it("never throws, and anything it accepts is a path of no other host", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((rest) => `get /${rest}`),
          fc.string().map((rest) => `get //${rest}`),
        ),
        (target) => {
          const url = parseRequestTarget(target);
          if (url !== null) expect(url.origin).toBe("http://target.invalid");
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("the inner request's audience and signer", () => {
  const AUDIENCE = new URL("https://ociauth.example.com");
  const signedFor = (host: string, signed = "date (request-target) host", keyId = "ST$eyJ") => ({
    "(request-target)": `get /api/v1/auth/oci-auth/login/principal?challenge=${CHALLENGE}`,
    date: DATE,
    host,
    authorization: `Signature version="1",keyId="${keyId}",algorithm="rsa-sha256",headers="${signed}",signature="c2ln"`,
  });

  it("hostIsAudience: the host of PUBLIC_URL, case aside, a written default port counting as none", () => {
    for (const host of ["ociauth.example.com", "OCIAUTH.Example.COM", "ociauth.example.com:443"]) {
      expect(hostIsAudience(host, AUDIENCE), host).toBe(true);
    }
    expect(hostIsAudience("localhost:3000", new URL("http://localhost:3000"))).toBe(true);
    expect(hostIsAudience("localhost:80", new URL("http://localhost"))).toBe(true);
    for (const host of [
      "staging.ociauth.example.com",
      "ociauth.example.com:8443",
      "ociauth.example.com.",
      "ociauth.example.com.evil.io",
      "evil.io@ociauth.example.com",
      "ociauth.example.com/x",
      "ociauth%2eexample.com",
      "ociauth.example.com:abc",
      "[::1",
      " ociauth.example.com",
      "ociauth.example.com\u0000",
      "\tociauth.example.com",
      "ociauth.exämple.com",
      "",
    ]) {
      expect(hostIsAudience(host, AUDIENCE), host).toBe(false);
    }
    expect(hostIsAudience("localhost", new URL("http://localhost:3000"))).toBe(false);
  });

  it("checkInnerRequest: signed for this service, host covered by the signature, a well-formed target", () => {
    expect(checkInnerRequest(signedFor("ociauth.example.com"), AUDIENCE)).toEqual({ ok: true, keyId: "ST$eyJ" });
    expect(checkInnerRequest(signedFor("staging.example.com"), AUDIENCE)).toEqual({ ok: false, problem: "wrong_audience" });
    expect(checkInnerRequest(signedFor("ociauth.example.com", "date (request-target)"), AUDIENCE)).toEqual({
      ok: false,
      problem: "host_not_signed",
    });
    const { host: _host, ...noHost } = signedFor("x");
    expect(checkInnerRequest(noHost, AUDIENCE)).toEqual({ ok: false, problem: "host_not_signed" });
    const { authorization: _auth, ...unsigned } = signedFor("ociauth.example.com");
    expect(checkInnerRequest(unsigned, AUDIENCE)).toEqual({ ok: false, problem: "no_signature" });
    for (const target of HOSTILE_TARGETS) {
      expect(checkInnerRequest({ ...signedFor("ociauth.example.com"), "(request-target)": target }, AUDIENCE), target).toEqual({
        ok: false,
        problem: "malformed_target",
      });
      expect(findSignedChallenge({ ...signedFor("ociauth.example.com"), "(request-target)": target }, NOW).ok).toBe(false);
    }
  });

  it("principalOfKeyId: the user of an API key, the sub of a security token", () => {
    const token = (claims: unknown) =>
      `ST$${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2ln`;
    expect(principalOfKeyId("ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb")).toBe("ocid1.user.oc1..u");
    expect(principalOfKeyId(token({ sub: "ocid1.instance.oc1.iad.i", ptype: "instance" }))).toBe("ocid1.instance.oc1.iad.i");
    const hostile = [
      token({ sub: "ocid1.instance\u0000" }),
      token({ sub: "a b" }),
      token({ sub: "x".repeat(256) }),
      "t/ocid1.user\u0000/f",
    ];
    for (const keyId of [
      "ST$",
      "ST$eyJ",
      "ST$a.b.c",
      token({ sub: 7 }),
      token(null),
      token({}),
      "a/b",
      "a//c",
      "a/b/c/d",
      "plain",
      ...hostile,
    ]) {
      expect(principalOfKeyId(keyId), keyId).toBeNull();
    }
  });
});

describe("toLoginPrincipal", () => {
  it("reads instances, resources and users", () => {
    const claims = (entries: Record<string, string>) => ({ tenantId: TENANCY, subjectId: "ocid1.instance.oc1.fra.s", claims: entries });
    expect(toLoginPrincipal(claims({ ptype: "instance", "opc-compartment": COMPARTMENT }), "us-ashburn-1")).toEqual({
      type: "instance",
      ocid: "ocid1.instance.oc1.fra.s",
      tenancyOcid: TENANCY,
      compartmentOcid: COMPARTMENT,
      region: "eu-frankfurt-1",
      signedRegion: "us-ashburn-1",
    });
    expect(toLoginPrincipal(claims({ ptype: "resource", res_compartment: COMPARTMENT }), "r")?.compartmentOcid).toBe(COMPARTMENT);
    expect(toLoginPrincipal({ tenantId: TENANCY, subjectId: "ocid1.user.oc1..u", claims: {} }, "r")).toMatchObject({
      type: "user",
      compartmentOcid: TENANCY,
      region: null,
      signedRegion: "r",
    });
    const unknownRegion = {
      tenantId: TENANCY,
      subjectId: "ocid1.fnfunc.oc1.xyz.f",
      claims: { ptype: "resource", res_compartment: COMPARTMENT },
    };
    expect(toLoginPrincipal(unknownRegion, "us-ashburn-1")?.region).toBeNull();
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
    signedRegion: "us-ashburn-1",
  };
  const user: LoginPrincipal = {
    type: "user",
    ocid: "ocid1.user.oc1..u",
    tenancyOcid: TENANCY,
    compartmentOcid: TENANCY,
    region: null,
    signedRegion: "us-ashburn-1",
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

  it("takes the region from the principal, not from the host it signed for", () => {
    const types = { allowedPrincipalTypes: ["instance", "user"] as const };
    // An instance in us-ashburn-1 that signs for Frankfurt: refused whatever the rules say.
    const relayed = { ...instance, signedRegion: "eu-frankfurt-1" };
    expect(reason(types, relayed)).toBe("region_mismatch");
    expect(reason({ ...types, allowedRegions: "eu-frankfurt-1" }, relayed)).toBe("region_mismatch");
    expect(refusePrincipal({ tenancyOcid: TENANCY, ...types }, relayed, { usernameKnown: false })?.message).toBe(
      "Access denied: ocid1.instance.oc1.iad.i is in region us-ashburn-1, but its login was signed for region eu-frankfurt-1. Sign the authenticateClient request for the principal's own region (auth.us-ashburn-1.oraclecloud.com).",
    );
    // A user has no region: a region rule refuses it, with a reason that says so.
    expect(reason({ ...types, allowedRegions: "us-ashburn-1" }, user)).toBe("region_not_allowed");
    expect(reason({ ...types, allowedRegions: "us-ashburn-1" }, user, true)).toBe("region_not_allowed");
    expect(
      refusePrincipal({ tenancyOcid: TENANCY, ...types, allowedRegions: "us-ashburn-1" }, user, { usernameKnown: true })?.message,
    ).toContain("an OCI user has no region");
    // An OCID whose region this service does not know passes no region rule.
    const unknown = { ...instance, ocid: "ocid1.instance.oc1.xyz.i", region: null };
    expect(reason(types, unknown)).toBeNull();
    expect(reason({ ...types, allowedRegions: "us-ashburn-1" }, unknown)).toBe("region_not_allowed");
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
