import { z } from "zod";
import { OCI_PRINCIPAL_TYPES } from "./oci-principals";
import { idSchema, isoDateSchema, objectError, pageContinuationShape, wholeNumberSchema } from "./common";
import { trustedIpSchema } from "./oci-auth";

/**
 * Operator view of an identity's issued access tokens (dashboard "Tokens"; tRPC `tokens.list`
 * and `tokens.revokeById`). The JWT itself is never stored nor returned: only its database row.
 */
export const accessTokenStatuses = ["active", "expired", "exhausted", "revoked"] as const;
export const accessTokenStatusSchema = z.enum(accessTokenStatuses);
export type AccessTokenStatus = z.infer<typeof accessTokenStatusSchema>;

export const MAX_LISTED_ACCESS_TOKENS = 100;

/** Which tokens a list shows: `active` (still usable), `revoked`, or `all`. */
export const accessTokenListFilters = ["all", "active", "revoked"] as const;
export const accessTokenListFilterSchema = z.enum(accessTokenListFilters, { error: "status must be all, active or revoked" });
export type AccessTokenListFilter = z.infer<typeof accessTokenListFilterSchema>;

export const listIdentityAccessTokensInputSchema = z.strictObject(
  {
    identityId: idSchema("identityId").meta({ description: "Id of the machine identity." }),
    status: accessTokenListFilterSchema
      .meta({ description: "Which tokens to list: all, active (still usable) or revoked.", example: "active" })
      .default("all"),
    limit: wholeNumberSchema("limit", 1, MAX_LISTED_ACCESS_TOKENS)
      .meta({ description: "How many tokens to list, newest first." })
      .default(MAX_LISTED_ACCESS_TOKENS),
    offset: wholeNumberSchema("offset", 0, 1_000_000).meta({ description: "Tokens to skip (a page's nextOffset)." }).default(0),
  },
  { error: objectError("The request") },
);

export const revokeAccessTokenByIdInputSchema = z.strictObject(
  { tokenId: idSchema("tokenId").meta({ description: "Id of the issued token." }) },
  { error: objectError("The request") },
);

export const revokeAllAccessTokensInputSchema = z.strictObject(
  { identityId: idSchema("identityId").meta({ description: "Id of the machine identity whose tokens to revoke." }) },
  { error: objectError("The request") },
);
export const revokeAllAccessTokensResponseSchema = z.strictObject({
  /** How many tokens this call revoked (tokens revoked before are left as they were). */
  revokedCount: z.number().int(),
});

export const identityAccessTokenSchema = z.strictObject({
  id: z.string(),
  identityId: z.string(),
  /** How the token was issued: `oci-auth` (workload login) or `token` (the bootstrap admin token). */
  authMethod: z.string(),
  status: accessTokenStatusSchema,
  createdAt: isoDateSchema,
  /** null: the token has no expiry of its own. */
  expiresAt: isoDateSchema.nullable(),
  lastRenewedAt: isoDateSchema.nullable(),
  lastUsedAt: isoDateSchema.nullable(),
  lastUsedIp: z.string().nullable(),
  /** OCI logins: the OCI user that signed the login (from the signature's keyId), its name as OCI gave it, and the login's address. */
  ociUserOcid: z.string().nullable(),
  ociUsername: z.string().nullable(),
  loginIp: z.string().nullable(),
  /** OCI logins: the principal that signed (user, instance or resource), its OCID, its compartment and the region of the signed host. */
  ociPrincipalType: z.enum(OCI_PRINCIPAL_TYPES).nullable(),
  ociPrincipalOcid: z.string().nullable(),
  ociCompartmentOcid: z.string().nullable(),
  ociRegion: z.string().nullable(),
  revokedAt: isoDateSchema.nullable(),
  accessTokenTTL: z.number().int(),
  accessTokenMaxTTL: z.number().int(),
  accessTokenNumUses: z.number().int(),
  /** 0 = unlimited. */
  accessTokenNumUsesLimit: z.number().int(),
  /**
   * Addresses the token may be used from: the identity's current OCI auth trusted IPs (changing
   * them applies to tokens already issued); null when the token has no IP restriction.
   */
  trustedIps: z.array(trustedIpSchema).nullable(),
});

export const identityAccessTokenListResponseSchema = z.strictObject({
  tokens: z.array(identityAccessTokenSchema),
  ...pageContinuationShape,
});
export const revokeAccessTokenByIdResponseSchema = z.strictObject({ token: identityAccessTokenSchema });

export type IdentityAccessToken = z.infer<typeof identityAccessTokenSchema>;
export type ListIdentityAccessTokensInput = z.infer<typeof listIdentityAccessTokensInputSchema>;
export type RevokeAccessTokenByIdInput = z.infer<typeof revokeAccessTokenByIdInputSchema>;
export type RevokeAllAccessTokensInput = z.infer<typeof revokeAllAccessTokensInputSchema>;
