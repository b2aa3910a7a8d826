import { describe, expect, it } from "vitest";
import { DEFAULT_TOKEN_TTL_SECONDS, DEFAULT_TRUSTED_IPS, MAX_NUM_USES_LIMIT, MAX_TOKEN_TTL_SECONDS, MAX_TRUSTED_IPS } from "./limits";
import { messages } from "./messages";
import {
  attachOciAuthInputSchema,
  identityIdParamsSchema,
  identityOciAuthResponseSchema,
  identityOciAuthSchema,
  tenancyOcidSchema,
  trustedIpSchema,
  ttlWithinMax,
  updateOciAuthInputSchema,
} from "./oci-auth";
import { bodyOf, fail, ok, rawIssues } from "./test-helpers";

const TENANCY = "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq";
const IDENTITY_ID = "3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f";
const base = { tenancyOcid: TENANCY };
/** What REST validates from the body: the identity id comes from the path. */
const attachOciAuthBodySchema = bodyOf(attachOciAuthInputSchema, { identityId: IDENTITY_ID });
const updateOciAuthBodySchema = bodyOf(updateOciAuthInputSchema, { identityId: IDENTITY_ID });

const DEFAULTS = {
  allowedUsernames: null,
  accessTokenTrustedIps: [{ ipAddress: "0.0.0.0/0" }, { ipAddress: "::/0" }],
  accessTokenTTL: 2_592_000,
  accessTokenMaxTTL: 2_592_000,
  accessTokenNumUsesLimit: 0,
  allowedPrincipalTypes: null,
  allowedCompartmentOcids: null,
  allowedPrincipalOcids: null,
  allowedRegions: null,
};

const ttlIssue = { path: ["accessTokenTTL"], message: messages.ttlAboveMax };

describe("tenancyOcidSchema", () => {
  it("accepts a tenancy OCID and trims it", () => {
    expect(ok(tenancyOcidSchema, TENANCY)).toBe(TENANCY);
    expect(ok(tenancyOcidSchema, `  ${TENANCY}\n\t`)).toBe(TENANCY);
  });

  it("accepts the shortest valid form (one character after the prefix)", () => {
    expect(ok(tenancyOcidSchema, "ocid1.tenancy.oc1.x")).toBe("ocid1.tenancy.oc1.x");
  });

  it.each(["", " ", "   ", "\t\n "])("empty / whitespace-only %j gives exactly one 'cannot be empty' issue", (input) => {
    expect(fail(tenancyOcidSchema, input)).toEqual([{ path: [], message: messages.tenancyEmpty }]);
  });

  it.each([
    "ocid1.tenancy.oc1.",
    "  ocid1.tenancy.oc1.  ",
    "ocid1.tenancy.oc1",
    "ocid1.user.oc1..aaaa",
    "ocid1.compartment.oc1..aaaa",
    "ocid1.tenancy.oc2..aaaa",
    "OCID1.TENANCY.OC1..AAAA",
    "xocid1.tenancy.oc1..aaaa",
    "ocid1-tenancy-oc1--aaaa",
    "tenancy",
    "ocid1.tenancy.oc1..a\nb",
  ])("wrong format %j gives exactly the format issue", (input) => {
    expect(fail(tenancyOcidSchema, input)).toEqual([{ path: [], message: messages.tenancyFormat }]);
  });

  it.each([
    ["a NUL character", `${"ocid1.tenancy.oc1..aaaa"}\u0000b`],
    ["a lone high surrogate", "ocid1.tenancy.oc1..aaaa\uD800"],
    ["a lone low surrogate", "ocid1.tenancy.oc1..\uDC00aaaa"],
  ])("refuses %s (PostgreSQL cannot store it) with the storable-text issue", (_name, input) => {
    expect(fail(tenancyOcidSchema, input)).toEqual([
      { path: [], message: "Tenancy OCID must not contain NUL characters or unpaired surrogates" },
    ]);
    expect(fail(attachOciAuthBodySchema, { tenancyOcid: input })).toEqual([
      { path: ["tenancyOcid"], message: "Tenancy OCID must not contain NUL characters or unpaired surrogates" },
    ]);
    expect(fail(updateOciAuthBodySchema, { tenancyOcid: input })).toEqual([
      { path: ["tenancyOcid"], message: "Tenancy OCID must not contain NUL characters or unpaired surrogates" },
    ]);
  });

  it("rejects non-strings", () => {
    for (const input of [undefined, null, 1, true, {}, []]) {
      expect(rawIssues(tenancyOcidSchema, input)[0]?.code).toBe("invalid_type");
    }
  });

  it("caps length at 255 after trimming", () => {
    const at255 = "ocid1.tenancy.oc1." + "a".repeat(255 - "ocid1.tenancy.oc1.".length);
    expect(at255).toHaveLength(255);
    expect(ok(tenancyOcidSchema, ` ${at255} `)).toBe(at255);
    expect(rawIssues(tenancyOcidSchema, at255 + "a").map((i) => i.code)).toEqual(["too_big"]);
  });
});

describe("attachOciAuthBodySchema — defaults", () => {
  it("fills every default from just a tenancy OCID", () => {
    expect(ok(attachOciAuthBodySchema, base)).toEqual({ tenancyOcid: TENANCY, ...DEFAULTS });
  });

  it("defaults agree with limits.ts", () => {
    const out = ok(attachOciAuthBodySchema, base);
    expect(out.accessTokenTTL).toBe(DEFAULT_TOKEN_TTL_SECONDS);
    expect(out.accessTokenMaxTTL).toBe(DEFAULT_TOKEN_TTL_SECONDS);
    expect(out.accessTokenTrustedIps).toEqual(DEFAULT_TRUSTED_IPS);
  });

  it("explicit undefined behaves like omission", () => {
    const input = {
      ...base,
      allowedUsernames: undefined,
      accessTokenTrustedIps: undefined,
      accessTokenTTL: undefined,
      accessTokenMaxTTL: undefined,
      accessTokenNumUsesLimit: undefined,
    };
    expect(ok(attachOciAuthBodySchema, input)).toEqual({ tenancyOcid: TENANCY, ...DEFAULTS });
  });

  it("the default trusted-IP array is a fresh object on every parse", () => {
    const first = ok(attachOciAuthBodySchema, base);
    const second = ok(attachOciAuthBodySchema, base);
    expect(first.accessTokenTrustedIps).not.toBe(second.accessTokenTrustedIps);
    expect(first.accessTokenTrustedIps[0]).not.toBe(second.accessTokenTrustedIps[0]);
    expect(first.accessTokenTrustedIps).not.toBe(DEFAULT_TRUSTED_IPS);
    expect(first.accessTokenTrustedIps[0]).not.toBe(DEFAULT_TRUSTED_IPS[0]);

    // Mutating one result must not leak into the constant or the next parse.
    first.accessTokenTrustedIps[0]!.ipAddress = "10.0.0.0/8";
    first.accessTokenTrustedIps.push({ ipAddress: "1.2.3.4" });
    expect(DEFAULT_TRUSTED_IPS).toEqual([{ ipAddress: "0.0.0.0/0" }, { ipAddress: "::/0" }]);
    expect(ok(attachOciAuthBodySchema, base).accessTokenTrustedIps).toEqual(DEFAULTS.accessTokenTrustedIps);
  });

  it("keeps provided values instead of defaults", () => {
    const input = {
      tenancyOcid: TENANCY,
      allowedUsernames: "alice, bob",
      accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }],
      accessTokenTTL: 60,
      accessTokenMaxTTL: 3600,
      accessTokenNumUsesLimit: 5,
      allowedPrincipalTypes: ["instance", "resource"],
      allowedCompartmentOcids: "ocid1.compartment.oc1..aaaacompartment",
      allowedPrincipalOcids: "ocid1.instance.oc1.iad.aaaainstance",
      allowedRegions: "us-ashburn-1",
    };
    expect(ok(attachOciAuthBodySchema, input)).toEqual(input);
  });
});

describe("attachOciAuthBodySchema — numeric limits", () => {
  const withMax = { ...base, accessTokenMaxTTL: MAX_TOKEN_TTL_SECONDS };

  it.each([0, 1, 2_592_000, 315_360_000])("accessTokenTTL %d is accepted", (ttl) => {
    expect(ok(attachOciAuthBodySchema, { ...withMax, accessTokenTTL: ttl }).accessTokenTTL).toBe(ttl);
  });

  it("accessTokenTTL -1 fails (only that issue)", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenTTL: -1 })).toEqual([
      { path: ["accessTokenTTL"], message: "Access token TTL must be 0 or more" },
    ]);
  });

  it("accessTokenTTL 315360001 fails on its own bound (and, being above max TTL, the cross-field rule too)", () => {
    expect(fail(attachOciAuthBodySchema, { ...withMax, accessTokenTTL: MAX_TOKEN_TTL_SECONDS + 1 })).toEqual([
      { path: ["accessTokenTTL"], message: "Access token TTL must be at most 315360000 seconds" },
      ttlIssue,
    ]);
  });

  it("accessTokenTTL 315360000 with the default max TTL fails the cross-field rule", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenTTL: MAX_TOKEN_TTL_SECONDS })).toEqual([ttlIssue]);
  });

  it.each([1, 2_592_000, 315_360_000])("accessTokenMaxTTL %d is accepted", (max) => {
    const out = ok(attachOciAuthBodySchema, { ...base, accessTokenTTL: 0, accessTokenMaxTTL: max });
    expect(out.accessTokenMaxTTL).toBe(max);
  });

  it("accessTokenMaxTTL 0 fails", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenTTL: 0, accessTokenMaxTTL: 0 })).toEqual([
      { path: ["accessTokenMaxTTL"], message: "Access token max TTL must be 1 or more" },
    ]);
  });

  it("accessTokenMaxTTL 315360001 fails", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenMaxTTL: MAX_TOKEN_TTL_SECONDS + 1 })).toEqual([
      { path: ["accessTokenMaxTTL"], message: "Access token max TTL must be at most 315360000 seconds" },
    ]);
  });

  it.each([0, 1, 1000, MAX_NUM_USES_LIMIT])("accessTokenNumUsesLimit %d is accepted", (n) => {
    expect(ok(attachOciAuthBodySchema, { ...base, accessTokenNumUsesLimit: n }).accessTokenNumUsesLimit).toBe(n);
  });

  it("accessTokenNumUsesLimit int32 cap is 2147483647", () => {
    expect(MAX_NUM_USES_LIMIT).toBe(2 ** 31 - 1);
  });

  it("accessTokenNumUsesLimit -1 fails", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenNumUsesLimit: -1 })).toEqual([
      { path: ["accessTokenNumUsesLimit"], message: "Access token uses limit must be 0 or more" },
    ]);
  });

  it("accessTokenNumUsesLimit past int32 fails", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenNumUsesLimit: MAX_NUM_USES_LIMIT + 1 })).toEqual([
      { path: ["accessTokenNumUsesLimit"], message: "Access token uses limit must be at most 2147483647" },
    ]);
  });

  const fields = ["accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit"] as const;
  const nonIntegers: [string, unknown][] = [
    ["1.5", 1.5],
    ["0.1", 0.1],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
    ["string '10'", "10"],
    ["empty string", ""],
    ["null", null],
    ["true", true],
    ["false", false],
    ["bigint", 10n],
    ["array", [10]],
    ["object", { value: 10 }],
  ];
  for (const field of fields) {
    it.each(nonIntegers)(`${field}: %s is rejected with a single issue on that field`, (_label, value) => {
      const issues = rawIssues(attachOciAuthBodySchema, { ...base, accessTokenTTL: 0, [field]: value });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toEqual([field]);
      expect(["invalid_type", "too_big"]).toContain(issues[0]?.code);
    });
  }

  for (const field of fields) {
    it.each([Number.MAX_SAFE_INTEGER + 1, 1e21, Number.MAX_VALUE])(`${field}: huge number %d is rejected as too big`, (value) => {
      const issues = rawIssues(attachOciAuthBodySchema, { ...base, [field]: value });
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.some((i) => i.code === "too_big" && i.path[0] === field)).toBe(true);
    });
  }

  it("1.5 is reported as not an integer", () => {
    const [issue] = rawIssues(attachOciAuthBodySchema, { ...base, accessTokenTTL: 1.5 });
    expect(issue).toMatchObject({ code: "invalid_type", expected: "int", path: ["accessTokenTTL"] });
  });

  it("strings are not coerced", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenNumUsesLimit: "10" })).toEqual([
      { path: ["accessTokenNumUsesLimit"], message: "Access token uses limit must be a whole number" },
    ]);
  });
});

describe("attachOciAuthBodySchema — cross-field TTL rule", () => {
  it("TTL == maxTTL is accepted", () => {
    const out = ok(attachOciAuthBodySchema, { ...base, accessTokenTTL: 3600, accessTokenMaxTTL: 3600 });
    expect(out).toMatchObject({ accessTokenTTL: 3600, accessTokenMaxTTL: 3600 });
  });

  it("TTL 0 with maxTTL 1 is accepted", () => {
    expect(ok(attachOciAuthBodySchema, { ...base, accessTokenTTL: 0, accessTokenMaxTTL: 1 })).toMatchObject({
      accessTokenTTL: 0,
      accessTokenMaxTTL: 1,
    });
  });

  it("TTL > maxTTL fails with exactly the message at path accessTokenTTL", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenTTL: 3601, accessTokenMaxTTL: 3600 })).toEqual([ttlIssue]);
  });

  it("explicit TTL above the default max TTL fails", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenTTL: DEFAULT_TOKEN_TTL_SECONDS + 1 })).toEqual([ttlIssue]);
  });

  it("explicit maxTTL below the default TTL fails", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenMaxTTL: DEFAULT_TOKEN_TTL_SECONDS - 1 })).toEqual([ttlIssue]);
  });

  it("the cross-field issue is reported alongside an unrelated field issue", () => {
    const issues = fail(attachOciAuthBodySchema, { ...base, accessTokenTTL: 10, accessTokenMaxTTL: 5, accessTokenNumUsesLimit: -1 });
    expect(issues).toEqual([{ path: ["accessTokenNumUsesLimit"], message: "Access token uses limit must be 0 or more" }, ttlIssue]);
  });

  it("ttlWithinMax is a plain <= comparison; a max TTL of 0 is no max", () => {
    expect(ttlWithinMax({ accessTokenTTL: 1, accessTokenMaxTTL: 1 })).toBe(true);
    expect(ttlWithinMax({ accessTokenTTL: 0, accessTokenMaxTTL: 1 })).toBe(true);
    expect(ttlWithinMax({ accessTokenTTL: 2, accessTokenMaxTTL: 1 })).toBe(false);
    expect(ttlWithinMax({ accessTokenTTL: 2, accessTokenMaxTTL: 0 })).toBe(true);
  });
});

describe("attachOciAuthBodySchema — tenancyOcid", () => {
  it("is required", () => {
    const issues = rawIssues(attachOciAuthBodySchema, {});
    expect(issues.map((i) => [i.code, i.path])).toEqual([["invalid_type", ["tenancyOcid"]]]);
  });

  it.each(["", "   "])("%j gives a single 'cannot be empty' issue", (tenancyOcid) => {
    expect(fail(attachOciAuthBodySchema, { tenancyOcid })).toEqual([{ path: ["tenancyOcid"], message: messages.tenancyEmpty }]);
  });

  it("wrong prefix gives the format message", () => {
    expect(fail(attachOciAuthBodySchema, { tenancyOcid: "ocid1.user.oc1..aaaa" })).toEqual([
      { path: ["tenancyOcid"], message: messages.tenancyFormat },
    ]);
  });

  it("prefix with nothing after gives the format message", () => {
    expect(fail(attachOciAuthBodySchema, { tenancyOcid: "ocid1.tenancy.oc1." })).toEqual([
      { path: ["tenancyOcid"], message: messages.tenancyFormat },
    ]);
  });

  it("is trimmed in the output", () => {
    expect(ok(attachOciAuthBodySchema, { tenancyOcid: `  ${TENANCY}  ` }).tenancyOcid).toBe(TENANCY);
  });
});

describe("attachOciAuthBodySchema — allowedUsernames and trusted IPs", () => {
  it("normalises allowedUsernames", () => {
    expect(ok(attachOciAuthBodySchema, { ...base, allowedUsernames: " a , ,b ," }).allowedUsernames).toBe("a, b");
    expect(ok(attachOciAuthBodySchema, { ...base, allowedUsernames: "" }).allowedUsernames).toBeNull();
    expect(ok(attachOciAuthBodySchema, { ...base, allowedUsernames: null }).allowedUsernames).toBeNull();
  });

  it("reports allowedUsernames issues at their path", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, allowedUsernames: "bad user" })).toEqual([
      { path: ["allowedUsernames"], message: messages.usernamesInvalid },
    ]);
    expect(fail(attachOciAuthBodySchema, { ...base, allowedUsernames: "a".repeat(501) })).toEqual([
      { path: ["allowedUsernames"], message: messages.usernamesTooLong },
    ]);
  });

  it("rejects an empty trusted IP array", () => {
    const issues = rawIssues(attachOciAuthBodySchema, { ...base, accessTokenTrustedIps: [] });
    expect(issues.map((i) => [i.code, i.path])).toEqual([["too_small", ["accessTokenTrustedIps"]]]);
  });

  it("accepts up to MAX_TRUSTED_IPS entries and rejects one more", () => {
    const ips = Array.from({ length: MAX_TRUSTED_IPS }, (_, i) => ({ ipAddress: `10.0.${i}.0/24` }));
    expect(ok(attachOciAuthBodySchema, { ...base, accessTokenTrustedIps: ips }).accessTokenTrustedIps).toHaveLength(MAX_TRUSTED_IPS);
    const issues = rawIssues(attachOciAuthBodySchema, { ...base, accessTokenTrustedIps: [...ips, { ipAddress: "1.1.1.1" }] });
    expect(issues.map((i) => [i.code, i.path])).toEqual([["too_big", ["accessTokenTrustedIps"]]]);
  });

  it("trims trusted IP strings but keeps the input form (not parsed)", () => {
    const out = ok(attachOciAuthBodySchema, {
      ...base,
      accessTokenTrustedIps: [{ ipAddress: " 10.0.0.0/8 " }, { ipAddress: "::1" }, { ipAddress: "2001:db8::/32" }],
    });
    expect(out.accessTokenTrustedIps).toEqual([{ ipAddress: "10.0.0.0/8" }, { ipAddress: "::1" }, { ipAddress: "2001:db8::/32" }]);
  });

  it("reports each invalid IP at its index with the SPEC message", () => {
    const issues = fail(attachOciAuthBodySchema, {
      ...base,
      accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }, { ipAddress: "abc" }, { ipAddress: "1.2.3.4/33" }, { ipAddress: "" }],
    });
    expect(issues).toEqual([
      { path: ["accessTokenTrustedIps", 1, "ipAddress"], message: messages.trustedIpInvalid },
      { path: ["accessTokenTrustedIps", 2, "ipAddress"], message: messages.trustedIpInvalid },
      { path: ["accessTokenTrustedIps", 3, "ipAddress"], message: messages.trustedIpInvalid },
    ]);
  });

  it("an over-long IP string gives a single issue", () => {
    expect(fail(attachOciAuthBodySchema, { ...base, accessTokenTrustedIps: [{ ipAddress: "1".repeat(65) }] })).toEqual([
      { path: ["accessTokenTrustedIps", 0, "ipAddress"], message: messages.trustedIpInvalid },
    ]);
  });

  it("rejects extra keys inside a trusted IP entry and non-object entries", () => {
    expect(rawIssues(attachOciAuthBodySchema, { ...base, accessTokenTrustedIps: [{ ipAddress: "1.1.1.1", type: "ipv4" }] })).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["type"], path: ["accessTokenTrustedIps", 0] }),
    ]);
    expect(rawIssues(attachOciAuthBodySchema, { ...base, accessTokenTrustedIps: ["1.1.1.1"] })[0]).toMatchObject({
      code: "invalid_type",
      path: ["accessTokenTrustedIps", 0],
    });
    expect(rawIssues(attachOciAuthBodySchema, { ...base, accessTokenTrustedIps: null })[0]).toMatchObject({
      code: "invalid_type",
      path: ["accessTokenTrustedIps"],
    });
  });
});

describe("attachOciAuthBodySchema — strictness", () => {
  it.each(["accessTokenPeriod", "type", "foo", "AccessTokenTTL"])("rejects unknown key %s", (key) => {
    const issues = rawIssues(attachOciAuthBodySchema, { ...base, [key]: 1 });
    expect(issues).toEqual([expect.objectContaining({ code: "unrecognized_keys", keys: [key], path: [] })]);
  });

  it("takes the path's identityId repeated with the same value only", () => {
    expect(ok(attachOciAuthBodySchema, { ...base, identityId: IDENTITY_ID })).toEqual(ok(attachOciAuthBodySchema, base));
    expect(fail(attachOciAuthBodySchema, { ...base, identityId: 1 })).toEqual([
      { path: ["identityId"], message: messages.pathParamMismatch("identityId") },
    ]);
  });

  it.each([null, undefined, "x", 1, []])("rejects non-object body %j", (body) => {
    expect(rawIssues(attachOciAuthBodySchema, body)[0]?.code).toBe("invalid_type");
  });
});

describe("attachOciAuthInputSchema (tRPC)", () => {
  it("requires a UUID identityId and applies the same defaults", () => {
    expect(ok(attachOciAuthInputSchema, { identityId: IDENTITY_ID, ...base })).toEqual({
      identityId: IDENTITY_ID,
      tenancyOcid: TENANCY,
      ...DEFAULTS,
    });
  });

  it("rejects a missing or non-UUID identityId", () => {
    expect(rawIssues(attachOciAuthInputSchema, base).map((i) => [i.code, i.path])).toEqual([["invalid_type", ["identityId"]]]);
    expect(fail(attachOciAuthInputSchema, { identityId: "not-a-uuid", ...base })).toEqual([
      { path: ["identityId"], message: "identityId must be a UUID" },
    ]);
  });

  it("applies the same limits and cross-field rule", () => {
    expect(fail(attachOciAuthInputSchema, { identityId: IDENTITY_ID, ...base, accessTokenTTL: 2, accessTokenMaxTTL: 1 })).toEqual([
      ttlIssue,
    ]);
    expect(fail(attachOciAuthInputSchema, { identityId: IDENTITY_ID, ...base, accessTokenMaxTTL: 0, accessTokenTTL: 0 })).toEqual([
      { path: ["accessTokenMaxTTL"], message: "Access token max TTL must be 1 or more" },
    ]);
    expect(fail(attachOciAuthInputSchema, { identityId: IDENTITY_ID, tenancyOcid: " " })).toEqual([
      { path: ["tenancyOcid"], message: messages.tenancyEmpty },
    ]);
  });

  it("is strict", () => {
    expect(rawIssues(attachOciAuthInputSchema, { identityId: IDENTITY_ID, ...base, extra: true })).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["extra"] }),
    ]);
  });
});

describe("identityIdParamsSchema", () => {
  it("accepts a UUID and rejects anything else", () => {
    expect(ok(identityIdParamsSchema, { identityId: IDENTITY_ID })).toEqual({ identityId: IDENTITY_ID });
    expect(fail(identityIdParamsSchema, { identityId: "123" })).toEqual([{ path: ["identityId"], message: "identityId must be a UUID" }]);
    expect(rawIssues(identityIdParamsSchema, { identityId: IDENTITY_ID, x: 1 })[0]?.code).toBe("unrecognized_keys");
  });
});

describe("updateOciAuthBodySchema", () => {
  it("{} is accepted and stays {} (no defaults injected)", () => {
    const out = ok(updateOciAuthBodySchema, {});
    expect(out).toEqual({});
    expect(Object.keys(out)).toEqual([]);
  });

  it("explicit undefined fields are dropped, not defaulted", () => {
    const out = ok(updateOciAuthBodySchema, { allowedUsernames: undefined, accessTokenTTL: undefined });
    expect(out.allowedUsernames).toBeUndefined();
    expect(out.accessTokenTTL).toBeUndefined();
    expect(out).not.toHaveProperty("accessTokenTrustedIps");
    expect(out).not.toHaveProperty("accessTokenMaxTTL");
    expect(out).not.toHaveProperty("accessTokenNumUsesLimit");
  });

  it.each([
    ["tenancyOcid", ` ${TENANCY} `, TENANCY],
    ["allowedUsernames", "alice,bob", "alice, bob"],
    ["accessTokenTrustedIps", [{ ipAddress: "10.0.0.0/8" }], [{ ipAddress: "10.0.0.0/8" }]],
    ["accessTokenTTL", 0, 0],
    ["accessTokenMaxTTL", 1, 1],
    ["accessTokenNumUsesLimit", 7, 7],
  ])("each field is optional on its own: %s", (field, input, output) => {
    expect(ok(updateOciAuthBodySchema, { [field]: input })).toEqual({ [field]: output });
  });

  it.each([null, "", "   ", " , , "])("allowedUsernames %j clears to null", (value) => {
    expect(ok(updateOciAuthBodySchema, { allowedUsernames: value })).toEqual({ allowedUsernames: null });
  });

  it("TTL > maxTTL fails when both are given", () => {
    expect(fail(updateOciAuthBodySchema, { accessTokenTTL: 11, accessTokenMaxTTL: 10 })).toEqual([ttlIssue]);
  });

  it("TTL == maxTTL passes", () => {
    expect(ok(updateOciAuthBodySchema, { accessTokenTTL: 10, accessTokenMaxTTL: 10 })).toEqual({
      accessTokenTTL: 10,
      accessTokenMaxTTL: 10,
    });
  });

  it("only one TTL given passes (merged check happens server-side)", () => {
    expect(ok(updateOciAuthBodySchema, { accessTokenTTL: MAX_TOKEN_TTL_SECONDS })).toEqual({ accessTokenTTL: MAX_TOKEN_TTL_SECONDS });
    expect(ok(updateOciAuthBodySchema, { accessTokenMaxTTL: 1 })).toEqual({ accessTokenMaxTTL: 1 });
  });

  it("keeps per-field limits", () => {
    expect(fail(updateOciAuthBodySchema, { accessTokenTTL: -1 })).toEqual([
      { path: ["accessTokenTTL"], message: "Access token TTL must be 0 or more" },
    ]);
    expect(fail(updateOciAuthBodySchema, { accessTokenTTL: MAX_TOKEN_TTL_SECONDS + 1 })).toEqual([
      { path: ["accessTokenTTL"], message: "Access token TTL must be at most 315360000 seconds" },
    ]);
    expect(fail(updateOciAuthBodySchema, { accessTokenMaxTTL: -1 })).toEqual([
      { path: ["accessTokenMaxTTL"], message: "Access token max TTL must be 0 or more" },
    ]);
    // As in Infisical's update, 0 is no max TTL; any TTL is within it.
    expect(ok(updateOciAuthBodySchema, { accessTokenMaxTTL: 0, accessTokenTTL: 7200 })).toEqual({
      accessTokenMaxTTL: 0,
      accessTokenTTL: 7200,
    });
    expect(fail(updateOciAuthBodySchema, { accessTokenNumUsesLimit: MAX_NUM_USES_LIMIT + 1 })).toEqual([
      { path: ["accessTokenNumUsesLimit"], message: "Access token uses limit must be at most 2147483647" },
    ]);
    expect(rawIssues(updateOciAuthBodySchema, { accessTokenNumUsesLimit: 1.5 })[0]).toMatchObject({
      code: "invalid_type",
      path: ["accessTokenNumUsesLimit"],
    });
  });

  it("null is not 'unchanged' for non-nullable fields", () => {
    for (const field of ["tenancyOcid", "accessTokenTrustedIps", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit"]) {
      expect(rawIssues(updateOciAuthBodySchema, { [field]: null })[0]).toMatchObject({ code: "invalid_type", path: [field] });
    }
  });

  it("validates tenancyOcid and trusted IPs when given", () => {
    expect(fail(updateOciAuthBodySchema, { tenancyOcid: "  " })).toEqual([{ path: ["tenancyOcid"], message: messages.tenancyEmpty }]);
    expect(fail(updateOciAuthBodySchema, { tenancyOcid: "ocid1.tenancy.oc1." })).toEqual([
      { path: ["tenancyOcid"], message: messages.tenancyFormat },
    ]);
    expect(rawIssues(updateOciAuthBodySchema, { accessTokenTrustedIps: [] })[0]).toMatchObject({
      code: "too_small",
      path: ["accessTokenTrustedIps"],
    });
    expect(fail(updateOciAuthBodySchema, { accessTokenTrustedIps: [{ ipAddress: "nope" }] })).toEqual([
      { path: ["accessTokenTrustedIps", 0, "ipAddress"], message: messages.trustedIpInvalid },
    ]);
    expect(fail(updateOciAuthBodySchema, { allowedUsernames: "x/y" })).toEqual([
      { path: ["allowedUsernames"], message: messages.usernamesInvalid },
    ]);
  });

  it("is strict; the path's identityId may be repeated with the same value only", () => {
    expect(rawIssues(updateOciAuthBodySchema, { accessTokenPeriod: 1 })).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["accessTokenPeriod"] }),
    ]);
    expect(ok(updateOciAuthBodySchema, { identityId: IDENTITY_ID })).toEqual({});
    expect(fail(updateOciAuthBodySchema, { identityId: "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b" })).toEqual([
      { path: ["identityId"], message: messages.pathParamMismatch("identityId") },
    ]);
  });
});

describe("updateOciAuthInputSchema (tRPC)", () => {
  it("requires identityId and nothing else", () => {
    expect(ok(updateOciAuthInputSchema, { identityId: IDENTITY_ID })).toEqual({ identityId: IDENTITY_ID });
    expect(rawIssues(updateOciAuthInputSchema, {})[0]).toMatchObject({ code: "invalid_type", path: ["identityId"] });
  });

  it("applies the same rules", () => {
    expect(fail(updateOciAuthInputSchema, { identityId: IDENTITY_ID, accessTokenTTL: 5, accessTokenMaxTTL: 4 })).toEqual([ttlIssue]);
    expect(ok(updateOciAuthInputSchema, { identityId: IDENTITY_ID, allowedUsernames: "" })).toEqual({
      identityId: IDENTITY_ID,
      allowedUsernames: null,
    });
  });
});

describe("identityOciAuthSchema (stored / returned object)", () => {
  const valid = {
    id: "0b9f3e2a-1c4d-4e5f-8a6b-7c8d9e0f1a2b",
    createdAt: "2024-05-01T12:00:00.000Z",
    updatedAt: "2024-05-01T12:00:00.000+02:00",
    identityId: IDENTITY_ID,
    type: "iam",
    tenancyOcid: TENANCY,
    accessTokenTTL: 2_592_000,
    accessTokenMaxTTL: 2_592_000,
    accessTokenNumUsesLimit: 0,
    accessTokenTrustedIps: [
      { ipAddress: "0.0.0.0", type: "ipv4", prefix: 0 },
      { ipAddress: "::", type: "ipv6", prefix: 0 },
      { ipAddress: "1.2.3.4", type: "ipv4" },
    ],
    allowedUsernames: null,
    accessTokenPeriod: 0,
  };

  it("accepts a valid object unchanged", () => {
    expect(ok(identityOciAuthSchema, valid)).toEqual(valid);
    expect(ok(identityOciAuthSchema, { ...valid, allowedUsernames: "alice, bob" }).allowedUsernames).toBe("alice, bob");
    expect(ok(identityOciAuthResponseSchema, { identityOciAuth: valid })).toEqual({ identityOciAuth: valid });
  });

  it("has exactly Infisical's keys, plus the principal rules (present only when set)", () => {
    expect(Object.keys(identityOciAuthSchema.shape).sort()).toEqual(
      [
        "id",
        "createdAt",
        "updatedAt",
        "identityId",
        "type",
        "tenancyOcid",
        "accessTokenTTL",
        "accessTokenMaxTTL",
        "accessTokenNumUsesLimit",
        "accessTokenTrustedIps",
        "allowedUsernames",
        "accessTokenPeriod",
        "allowedPrincipalTypes",
        "allowedCompartmentOcids",
        "allowedPrincipalOcids",
        "allowedRegions",
      ].sort(),
    );
  });

  it.each(["orgId", "isDeleted", "__v", "identity"])("rejects extra key %s", (key) => {
    expect(rawIssues(identityOciAuthSchema, { ...valid, [key]: 1 })).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: [key] }),
    ]);
  });

  it("rejects extra keys on the response wrapper and on trusted IPs", () => {
    expect(rawIssues(identityOciAuthResponseSchema, { identityOciAuth: valid, extra: 1 })[0]?.code).toBe("unrecognized_keys");
    expect(
      rawIssues(identityOciAuthSchema, { ...valid, accessTokenTrustedIps: [{ ipAddress: "1.1.1.1", type: "ipv4", mask: 1 }] })[0],
    ).toMatchObject({ code: "unrecognized_keys", path: ["accessTokenTrustedIps", 0] });
  });

  it("rejects wrong type literal, missing keys, bad dates and undefined allowedUsernames", () => {
    expect(rawIssues(identityOciAuthSchema, { ...valid, type: "api-key" })[0]?.path).toEqual(["type"]);
    const { accessTokenPeriod: _omit, ...missing } = valid;
    expect(rawIssues(identityOciAuthSchema, missing)[0]?.path).toEqual(["accessTokenPeriod"]);
    expect(rawIssues(identityOciAuthSchema, { ...valid, createdAt: "yesterday" })[0]?.path).toEqual(["createdAt"]);
    expect(rawIssues(identityOciAuthSchema, { ...valid, createdAt: "2024-05-01T12:00:00" })[0]?.path).toEqual(["createdAt"]);
    expect(rawIssues(identityOciAuthSchema, { ...valid, allowedUsernames: undefined })[0]?.path).toEqual(["allowedUsernames"]);
  });
});

describe("trustedIpSchema (output form)", () => {
  it("accepts prefix-less and prefixed entries", () => {
    expect(ok(trustedIpSchema, { ipAddress: "1.2.3.4", type: "ipv4" })).toEqual({ ipAddress: "1.2.3.4", type: "ipv4" });
    expect(ok(trustedIpSchema, { ipAddress: "::", type: "ipv6", prefix: 0 })).toEqual({ ipAddress: "::", type: "ipv6", prefix: 0 });
  });

  it("rejects unknown types and non-integer prefixes", () => {
    expect(rawIssues(trustedIpSchema, { ipAddress: "1.2.3.4", type: "ipv5" })[0]?.path).toEqual(["type"]);
    expect(rawIssues(trustedIpSchema, { ipAddress: "1.2.3.4", type: "ipv4", prefix: 1.5 })[0]?.path).toEqual(["prefix"]);
  });
});
