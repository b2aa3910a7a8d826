import { ociauthClaimsSchema } from "@ociauth/schema";
import { describe, expect, it } from "vitest";
import { tokenClaimsOf } from "./token-claims-fns";

describe("tokenClaimsOf", () => {
  const base = { orgId: "org-1", orgSlug: "acme", identityName: "billing", authMethod: "token-auth" };

  it("names the organization, identity and auth method of every token", () => {
    expect(tokenClaimsOf(base)).toEqual({
      ociauth: { org_id: "org-1", org_slug: "acme", identity_name: "billing", auth_method: "token-auth" },
    });
  });

  it("adds the OCI principal, leaving out what the login did not learn", () => {
    const claims = tokenClaimsOf({
      ...base,
      authMethod: "oci-auth",
      principal: {
        principalType: "instance",
        principalOcid: "ocid1.instance.oc1..a",
        tenancyOcid: "ocid1.tenancy.oc1..t",
        compartmentOcid: "ocid1.compartment.oc1..c",
        region: "eu-frankfurt-1",
        userOcid: null,
        username: null,
      },
    }).ociauth;
    expect(claims).toEqual({
      org_id: "org-1",
      org_slug: "acme",
      identity_name: "billing",
      auth_method: "oci-auth",
      principal_type: "instance",
      principal_ocid: "ocid1.instance.oc1..a",
      tenancy_ocid: "ocid1.tenancy.oc1..t",
      compartment_ocid: "ocid1.compartment.oc1..c",
      region: "eu-frankfurt-1",
    });
    expect(ociauthClaimsSchema.parse(claims)).toEqual(claims);
  });
});
