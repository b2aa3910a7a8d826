import { OCIAUTH_CLAIM, type OciauthClaims, type OciPrincipalType } from "@ociauth/schema";

export interface TokenClaimFacts {
  orgId: string;
  orgSlug: string;
  identityName: string;
  authMethod: string;
  /** OCI logins: the principal that signed. */
  principal?: {
    principalType: OciPrincipalType;
    principalOcid: string;
    tenancyOcid?: string | null;
    compartmentOcid: string;
    region: string;
    userOcid: string | null;
    username: string | null;
  };
}

/** The namespaced claims of an identity access token; facts not known for this login are left out. */
export function tokenClaimsOf(facts: TokenClaimFacts): { [OCIAUTH_CLAIM]: OciauthClaims } {
  const claims: OciauthClaims = {
    org_id: facts.orgId,
    org_slug: facts.orgSlug,
    identity_name: facts.identityName,
    auth_method: facts.authMethod,
  };
  const p = facts.principal;
  if (p) {
    claims.principal_type = p.principalType;
    claims.principal_ocid = p.principalOcid;
    if (p.tenancyOcid) claims.tenancy_ocid = p.tenancyOcid;
    claims.compartment_ocid = p.compartmentOcid;
    if (p.region) claims.region = p.region;
    if (p.userOcid) claims.user_ocid = p.userOcid;
    if (p.username) claims.username = p.username;
  }
  return { [OCIAUTH_CLAIM]: claims };
}
