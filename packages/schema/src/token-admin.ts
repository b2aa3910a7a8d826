import { z } from "zod";
import { idSchema, isoDateSchema, objectError, wholeNumberSchema } from "./common";
import { trustedIpSchema } from "./oci-auth";

/**
 * Operator view of an identity's issued access tokens (dashboard "Tokens"; tRPC `tokens.list`
 * and `tokens.revokeById`). The JWT itself is never stored nor returned: only its database row.
 */
export const accessTokenStatuses = ["active", "expired", "exhausted", "revoked"] as const;
export const accessTokenStatusSchema = z.enum(accessTokenStatuses);
export type AccessTokenStatus = z.infer<typeof accessTokenStatusSchema>;

export const MAX_LISTED_ACCESS_TOKENS = 100;

export const listIdentityAccessTokensInputSchema = z.strictObject(
  {
    identityId: idSchema("identityId").meta({ description: "Id of the machine identity." }),
    limit: wholeNumberSchema("limit", 1, MAX_LISTED_ACCESS_TOKENS)
      .meta({ description: "How many tokens to list, newest first." })
      .default(MAX_LISTED_ACCESS_TOKENS),
  },
  { error: objectError("The request") },
);

export const revokeAccessTokenByIdInputSchema = z.strictObject(
  { tokenId: idSchema("tokenId").meta({ description: "Id of the issued token." }) },
  { error: objectError("The request") },
);

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

export const identityAccessTokenListResponseSchema = z.strictObject({ tokens: z.array(identityAccessTokenSchema) });
export const revokeAccessTokenByIdResponseSchema = z.strictObject({ token: identityAccessTokenSchema });

export type IdentityAccessToken = z.infer<typeof identityAccessTokenSchema>;
export type ListIdentityAccessTokensInput = z.infer<typeof listIdentityAccessTokensInputSchema>;
export type RevokeAccessTokenByIdInput = z.infer<typeof revokeAccessTokenByIdInputSchema>;
