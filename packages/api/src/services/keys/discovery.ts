import { accessTokenClaimsSchema, type DiscoveryDocument } from "@ociauth/schema";
import { SIGNING_ALG } from "./keyring";

export const OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";
export const JWKS_PATH = "/.well-known/jwks.json";
export const INTROSPECTION_PATH = "/api/v1/auth/token/introspect";

/**
 * What a relying party needs to trust this issuer: its public keys (offline verification) and
 * its introspection endpoint (online), as absolute URLs under the issuer (PUBLIC_URL's origin).
 * Tokens come from this service's own logins, not an OAuth authorization endpoint.
 */
export function discoveryDocument(issuer: string): DiscoveryDocument {
  const at = (path: string) => `${issuer.replace(/\/+$/, "")}${path}`;
  return {
    issuer,
    jwks_uri: at(JWKS_PATH),
    introspection_endpoint: at(INTROSPECTION_PATH),
    introspection_endpoint_auth_methods_supported: ["bearer"],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    subject_types_supported: ["public"],
    response_types_supported: ["token"],
    claims_supported: Object.keys(accessTokenClaimsSchema.shape),
  };
}
