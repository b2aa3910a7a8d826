import { z } from "zod";
import { typeError } from "./common";
import { parseTrustedIp } from "./trusted-ip";

/**
 * What services that receive this service's tokens rely on: the claims of an identity access
 * token, the audiences an identity may allow, the introspection request and answer (RFC 7662),
 * the discovery document and the signing keys' status.
 */

/** The claim holding the service's own (namespaced) claims. */
export const OCIAUTH_CLAIM = "ociauth";

export const MAX_AUDIENCE_LENGTH = 255;
export const MAX_ALLOWED_AUDIENCES = 20;

/** An audience: a service name or URL a token is meant for (`sts.amazonaws.com`, `billing-api`). */
export const audienceSchema = z
  .string({ error: typeError("audience", "text") })
  .trim()
  .min(1, "audience cannot be empty")
  .max(MAX_AUDIENCE_LENGTH, `audience must be at most ${MAX_AUDIENCE_LENGTH} characters`)
  .regex(/^[\x21-\x7e]+$/, "audience must be printable ASCII without spaces (e.g. sts.amazonaws.com or billing-api)");

export const allowedAudiencesSchema = z
  .array(audienceSchema, { error: typeError("allowedAudiences", "a list of audiences") })
  .max(MAX_ALLOWED_AUDIENCES, `allowedAudiences may list at most ${MAX_ALLOWED_AUDIENCES} audiences`)
  .refine((list) => new Set(list).size === list.length, "allowedAudiences lists an audience twice")
  .meta({
    description: "Audiences a login may ask this identity's tokens for, besides this service (the default audience).",
    example: ["sts.amazonaws.com", "billing-api"],
  });

/** Claims a resource server can authorise on, under `ociauth` in every identity access token. */
export const ociauthClaimsSchema = z.object({
  org_id: z.string(),
  org_slug: z.string(),
  identity_name: z.string(),
  auth_method: z.string(),
  /** OCI logins: the principal that signed. */
  principal_type: z.enum(["user", "instance", "resource"]).optional(),
  principal_ocid: z.string().optional(),
  tenancy_ocid: z.string().optional(),
  compartment_ocid: z.string().optional(),
  region: z.string().optional(),
  user_ocid: z.string().optional(),
  username: z.string().optional(),
});
export type OciauthClaims = z.infer<typeof ociauthClaimsSchema>;

/** The payload of an identity access token (ES256, with the key's kid in the header). */
export const accessTokenClaimsSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.string(),
  iat: z.number(),
  nbf: z.number(),
  /** Absent for a token without expiry. */
  exp: z.number().optional(),
  jti: z.string(),
  /** Read by Infisical's clients and this service. */
  authTokenType: z.literal("identityAccessToken"),
  identityId: z.string(),
  orgId: z.string(),
  authMethod: z.string(),
  [OCIAUTH_CLAIM]: ociauthClaimsSchema,
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/** RFC 7662 §2.1: form-encoded (or JSON) `token`, an ignored `token_type_hint`, and the caller's client's address. */
export const introspectionRequestSchema = z.object({
  token: z
    .string({ error: typeError("token", "text") })
    .trim()
    .min(1, "token is required: the access token to introspect")
    .max(16_384, "token must be at most 16384 characters")
    .meta({ description: "The access token to introspect (RFC 7662 `token`)." }),
  token_type_hint: z
    .string({ error: typeError("token_type_hint", "text") })
    .max(64, "token_type_hint must be at most 64 characters")
    .optional()
    .meta({ description: "Ignored (RFC 7662): only access tokens are introspected.", example: "access_token" }),
  client_ip: z
    .string({ error: typeError("client_ip", "text") })
    .trim()
    .refine(
      (value) => !value.includes("/") && parseTrustedIp(value) !== null,
      "client_ip must be an IPv4 or IPv6 address (the address the token was presented from)",
    )
    .optional()
    .meta({ description: "The address the token was presented from; checked against the token's trusted IPs when it has any." }),
});
export type IntrospectionRequest = z.infer<typeof introspectionRequestSchema>;

/** RFC 7662 §2.2: `{active:false}` alone for any token that cannot be used, else its claims. */
export const introspectionResponseSchema = z.union([
  z.object({ active: z.literal(false) }),
  accessTokenClaimsSchema.omit({ authTokenType: true, identityId: true, orgId: true, authMethod: true }).extend({
    active: z.literal(true),
    token_type: z.literal("Bearer"),
    /** Uses left after this one; null when the token has no use limit. */
    remaining_uses: z.number().int().nullable(),
  }),
]);
export type IntrospectionResponse = z.infer<typeof introspectionResponseSchema>;

/** `GET /.well-known/openid-configuration`: what a relying party needs to trust the issuer. */
export const discoveryDocumentSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  introspection_endpoint: z.string(),
  introspection_endpoint_auth_methods_supported: z.array(z.string()),
  id_token_signing_alg_values_supported: z.array(z.string()),
  token_endpoint_auth_signing_alg_values_supported: z.array(z.string()).optional(),
  subject_types_supported: z.array(z.string()),
  response_types_supported: z.array(z.string()),
  claims_supported: z.array(z.string()),
});
export type DiscoveryDocument = z.infer<typeof discoveryDocumentSchema>;

export const SIGNING_KEY_STATES = ["signing", "published", "retired"] as const;

/** A signing key as the admin API and dashboard show it (never its private part). */
export const signingKeySchema = z.object({
  kid: z.string(),
  alg: z.string(),
  createdAt: z.string(),
  state: z.enum(SIGNING_KEY_STATES),
  /** Unrevoked, unexpired tokens and sessions its signature still vouches for. */
  liveTokens: z.number().int(),
});
export type SigningKeyView = z.infer<typeof signingKeySchema>;

export const signingKeyListResponseSchema = z.object({ keys: z.array(signingKeySchema) });
export const rotateSigningKeyResponseSchema = z.object({ key: signingKeySchema });
