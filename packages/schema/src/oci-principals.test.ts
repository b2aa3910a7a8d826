import { describe, expect, it } from "vitest";
import { MAX_ALLOWED_OCIDS_LENGTH } from "./limits";
import { attachOciAuthInputSchema, identityOciAuthSchema, updateOciAuthInputSchema } from "./oci-auth";
import {
  allowedCompartmentOcidsSchema,
  allowedPrincipalOcidsSchema,
  allowedPrincipalTypesSchema,
  allowedRegionsSchema,
  describeAllowedWorkloads,
  effectivePrincipalTypes,
} from "./oci-principals";
import { fail, ok } from "./test-helpers";

const ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const TENANCY = "ocid1.tenancy.oc1..aaaatenancy";
const COMPARTMENT = "ocid1.compartment.oc1..aaaacompartment";
const INSTANCE = "ocid1.instance.oc1.iad.aaaainstance";

describe("allowedPrincipalTypesSchema", () => {
  it("keeps the distinct types in a fixed order", () => {
    expect(ok(allowedPrincipalTypesSchema, ["resource", "user"])).toEqual(["user", "resource"]);
    expect(ok(allowedPrincipalTypesSchema, ["instance"])).toEqual(["instance"]);
    expect(ok(allowedPrincipalTypesSchema, null)).toBeNull();
  });

  it.each([
    [[], 'Allowed principal types must list at least one of "user", "instance", "resource" (null restores the default, ["user"])'],
    [["vm"], 'Allowed principal types can only contain "user", "instance" and "resource" (got "vm")'],
    [["instance", "instance"], "Allowed principal types must not list a type twice"],
    ["instance", 'Allowed principal types must be an array such as ["instance", "resource"]'],
  ])("refuses %j", (input, message) => {
    expect(fail(allowedPrincipalTypesSchema, input).map((issue) => issue.message)).toContain(message);
  });
});

describe("allow-lists of compartments, principals and regions", () => {
  it("normalise like allowedUsernames", () => {
    expect(ok(allowedCompartmentOcidsSchema, ` ${COMPARTMENT} ,, ${TENANCY} `)).toBe(`${COMPARTMENT}, ${TENANCY}`);
    expect(ok(allowedPrincipalOcidsSchema, `${INSTANCE},ocid1.fnfunc.oc1.phx.aaaafn`)).toBe(`${INSTANCE}, ocid1.fnfunc.oc1.phx.aaaafn`);
    expect(ok(allowedRegionsSchema, "us-ashburn-1,eu-frankfurt-1")).toBe("us-ashburn-1, eu-frankfurt-1");
    for (const schema of [allowedCompartmentOcidsSchema, allowedPrincipalOcidsSchema, allowedRegionsSchema]) {
      expect(ok(schema, " , ")).toBeNull();
      expect(ok(schema, null)).toBeNull();
    }
  });

  it("name the first bad entry", () => {
    expect(fail(allowedCompartmentOcidsSchema, `${COMPARTMENT}, ${INSTANCE}`)[0]?.message).toBe(
      `Allowed compartment OCIDs must be compartment or tenancy OCIDs such as ocid1.compartment.oc1..aaaa… ("${INSTANCE}" is not)`,
    );
    expect(fail(allowedPrincipalOcidsSchema, "not-an-ocid")[0]?.message).toContain('("not-an-ocid" is not)');
    expect(fail(allowedRegionsSchema, "us-ashburn-1, Frankfurt")[0]?.message).toBe(
      'Allowed regions must be OCI region names such as us-ashburn-1 ("Frankfurt" is not)',
    );
    expect(fail(allowedRegionsSchema, 12)[0]?.message).toBe("Allowed regions must be text or null");
  });

  it("cap the length", () => {
    const long = Array.from({ length: 200 }, () => COMPARTMENT).join(",");
    expect(long.length).toBeGreaterThan(MAX_ALLOWED_OCIDS_LENGTH);
    expect(fail(allowedCompartmentOcidsSchema, long)[0]?.message).toBe(
      `Allowed compartment OCIDs must be at most ${MAX_ALLOWED_OCIDS_LENGTH} characters`,
    );
  });
});

describe("principal rules on the OCI auth configuration", () => {
  it("attach: omitted rules are null (today's behaviour)", () => {
    const parsed = ok(attachOciAuthInputSchema, { identityId: ID, tenancyOcid: TENANCY });
    expect(parsed).toMatchObject({
      allowedPrincipalTypes: null,
      allowedCompartmentOcids: null,
      allowedPrincipalOcids: null,
      allowedRegions: null,
    });
  });

  it("update: omitted rules stay unchanged, null clears", () => {
    const parsed = ok(updateOciAuthInputSchema, { identityId: ID, allowedRegions: null });
    expect(parsed).toEqual({ identityId: ID, allowedRegions: null });
  });

  it("the response carries a rule only when it is set", () => {
    const base = {
      id: ID,
      createdAt: "2026-12-03T00:00:00.000Z",
      updatedAt: "2026-12-03T00:00:00.000Z",
      identityId: ID,
      type: "iam",
      tenancyOcid: TENANCY,
      accessTokenTTL: 1,
      accessTokenMaxTTL: 1,
      accessTokenNumUsesLimit: 0,
      accessTokenTrustedIps: [],
      allowedUsernames: null,
      accessTokenPeriod: 0,
    };
    expect(ok(identityOciAuthSchema, base)).toEqual(base);
    expect(ok(identityOciAuthSchema, { ...base, allowedPrincipalTypes: ["instance"] }).allowedPrincipalTypes).toEqual(["instance"]);
    expect(fail(identityOciAuthSchema, { ...base, allowedPrincipalTypes: ["vm"] })).toHaveLength(1);
  });
});

describe("describeAllowedWorkloads", () => {
  it("says users only by default", () => {
    expect(effectivePrincipalTypes({})).toEqual(["user"]);
    expect(describeAllowedWorkloads({ tenancyOcid: TENANCY })).toEqual([
      `OCI users signing with an API key of tenancy ${TENANCY} may log in.`,
    ]);
  });

  it("names every rule in force", () => {
    expect(
      describeAllowedWorkloads({
        tenancyOcid: TENANCY,
        allowedPrincipalTypes: ["user", "instance", "resource"],
        allowedUsernames: "ci, deploy",
        allowedCompartmentOcids: COMPARTMENT,
        allowedPrincipalOcids: `${INSTANCE}, ocid1.fnfunc.oc1.iad.aaaafn`,
        allowedRegions: "us-ashburn-1",
      }),
    ).toEqual([
      `OCI users signing with an API key, compute instances (instance principals) and Functions, container instances and OKE workloads (resource principals) of tenancy ${TENANCY} may log in.`,
      "Users only if their username is ci and deploy.",
      `Only from compartment ${COMPARTMENT}.`,
      `Only the principals ${INSTANCE} and ocid1.fnfunc.oc1.iad.aaaafn.`,
      "Only in region us-ashburn-1.",
      "No user can log in while regions are restricted: an OCI user has no region.",
    ]);
  });

  it("leaves out the username rule when users may not log in", () => {
    const lines = describeAllowedWorkloads({ tenancyOcid: TENANCY, allowedPrincipalTypes: ["instance"], allowedUsernames: "ci" });
    expect(lines).toEqual([`compute instances (instance principals) of tenancy ${TENANCY} may log in.`]);
  });
});
