import { z } from "zod";
import { idSchema, isoDateSchema, objectError, offsetSchema, pageContinuationShape, queryWholeNumber, storableText } from "./common";
import { DEFAULT_TOKEN_TTL_SECONDS, DEFAULT_TRUSTED_IPS } from "./limits";
import { messages } from "./messages";
import {
  accessTokenMaxTTLSchema,
  accessTokenNumUsesLimitSchema,
  accessTokenTTLSchema,
  trustedIpSchema,
  trustedIpsInputSchema,
  ttlWithinMax,
} from "./oci-auth";
import { accessTokenResponseSchema } from "./tokens";

/*
 * Token Auth (Infisical's): an operator attaches it to an identity, then mints, lists, renames and
 * revokes access tokens for it. Same TTL, max TTL, use limit and trusted IP rules as OCI auth.
 */

export const MAX_TOKEN_NAME_LENGTH = 255;
export const DEFAULT_TOKEN_AUTH_TOKENS_PAGE = 20;
export const MAX_TOKEN_AUTH_TOKENS_PAGE = 100;

const identityIdShape = {
  identityId: idSchema("identityId").meta({ description: "Id of the machine identity.", example: "7c9e6679-7425-40de-944b-e07fc1f90ae7" }),
};
const tokenIdShape = {
  tokenId: idSchema("tokenId").meta({ description: "Id of the access token.", example: "1f0e0c52-9a1b-4c3d-8e5f-6a7b8c9d0e1f" }),
};

const ttlIssue = { message: messages.ttlAboveMax, path: ["accessTokenTTL"] };
const bothTtlsWithinMax = (body: { accessTokenTTL?: number; accessTokenMaxTTL?: number }) =>
  body.accessTokenTTL === undefined ||
  body.accessTokenMaxTTL === undefined ||
  ttlWithinMax({ accessTokenTTL: body.accessTokenTTL, accessTokenMaxTTL: body.accessTokenMaxTTL });

export const attachTokenAuthInputSchema = z
  .strictObject(
    {
      ...identityIdShape,
      accessTokenTrustedIps: trustedIpsInputSchema.default(() => DEFAULT_TRUSTED_IPS.map((ip) => ({ ...ip }))),
      accessTokenTTL: accessTokenTTLSchema.default(DEFAULT_TOKEN_TTL_SECONDS),
      accessTokenMaxTTL: accessTokenMaxTTLSchema.default(DEFAULT_TOKEN_TTL_SECONDS),
      accessTokenNumUsesLimit: accessTokenNumUsesLimitSchema.default(0),
    },
    { error: objectError("The request body") },
  )
  .refine(ttlWithinMax, ttlIssue);

/** PATCH: an omitted field stays unchanged. */
export const updateTokenAuthInputSchema = z
  .strictObject(
    {
      ...identityIdShape,
      accessTokenTrustedIps: trustedIpsInputSchema.optional(),
      accessTokenTTL: accessTokenTTLSchema.optional(),
      accessTokenMaxTTL: accessTokenMaxTTLSchema.optional(),
      accessTokenNumUsesLimit: accessTokenNumUsesLimitSchema.optional(),
    },
    { error: objectError("The request body") },
  )
  .refine(bothTtlsWithinMax, ttlIssue);

export const tokenNameSchema = storableText("Token name")
  .trim()
  .max(MAX_TOKEN_NAME_LENGTH, `Token name must be at most ${MAX_TOKEN_NAME_LENGTH} characters`)
  .meta({ description: "A name to tell the token apart.", example: "ci-deploy" });

export const createTokenAuthTokenInputSchema = z.strictObject(
  {
    ...identityIdShape,
    name: tokenNameSchema.optional(),
    organizationSlug: storableText("organizationSlug")
      .trim()
      .max(64, "organizationSlug must be at most 64 characters")
      .meta({ description: "Accepted for Infisical compatibility; ignored (an identity belongs to one organization)." })
      .optional(),
  },
  { error: objectError("The request body") },
);

export const listTokenAuthTokensInputSchema = z.strictObject(
  {
    ...identityIdShape,
    offset: offsetSchema,
    limit: queryWholeNumber("limit", 1, MAX_TOKEN_AUTH_TOKENS_PAGE)
      .meta({ description: `Page size (1 to ${MAX_TOKEN_AUTH_TOKENS_PAGE}), newest first.`, example: DEFAULT_TOKEN_AUTH_TOKENS_PAGE })
      .default(DEFAULT_TOKEN_AUTH_TOKENS_PAGE),
  },
  { error: objectError("The request") },
);

export const updateTokenAuthTokenInputSchema = z.strictObject(
  { ...tokenIdShape, name: tokenNameSchema.optional() },
  { error: objectError("The request body") },
);

export const tokenIdParamsSchema = z.strictObject(tokenIdShape, { error: objectError("The request") });

/** Revoke: Infisical's Terraform provider also sends the token's `identityId`; when given, it must be the token's (else 404). */
export const revokeTokenAuthTokenInputSchema = z.strictObject(
  {
    ...tokenIdShape,
    identityId: identityIdShape.identityId
      .optional()
      .meta({ description: "Id of the token's machine identity (optional; Terraform sends it). Another identity's answers 404." }),
  },
  { error: objectError("The request body") },
);

export const identityTokenAuthSchema = z.strictObject({
  id: z.string(),
  identityId: z.string(),
  accessTokenTTL: z.number(),
  accessTokenMaxTTL: z.number(),
  accessTokenNumUsesLimit: z.number(),
  accessTokenTrustedIps: z.array(trustedIpSchema),
  accessTokenPeriod: z.number(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});
export const identityTokenAuthResponseSchema = z.strictObject({ identityTokenAuth: identityTokenAuthSchema });

/** Infisical's identity access token row: never the token itself. */
export const tokenAuthTokenSchema = z.strictObject({
  id: z.string(),
  identityId: z.string(),
  name: z.string().nullable(),
  authMethod: z.string(),
  accessTokenTTL: z.number(),
  accessTokenMaxTTL: z.number(),
  accessTokenNumUses: z.number(),
  accessTokenNumUsesLimit: z.number(),
  accessTokenPeriod: z.number(),
  accessTokenLastUsedAt: isoDateSchema.nullable(),
  accessTokenLastRenewedAt: isoDateSchema.nullable(),
  isAccessTokenRevoked: z.boolean(),
  identityUAClientSecretId: z.null(),
  /** Beyond Infisical: when the token stops working (null: no expiry). */
  expiresAt: isoDateSchema.nullable(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});

export const createTokenAuthTokenResponseSchema = accessTokenResponseSchema.extend({ tokenData: tokenAuthTokenSchema });
export const tokenAuthTokenListResponseSchema = z.strictObject({ tokens: z.array(tokenAuthTokenSchema), ...pageContinuationShape });
export const tokenAuthTokenResponseSchema = z.strictObject({ token: tokenAuthTokenSchema });

export type AttachTokenAuthInput = z.infer<typeof attachTokenAuthInputSchema>;
export type UpdateTokenAuthInput = z.infer<typeof updateTokenAuthInputSchema>;
export type CreateTokenAuthTokenInput = z.infer<typeof createTokenAuthTokenInputSchema>;
export type ListTokenAuthTokensInput = z.infer<typeof listTokenAuthTokensInputSchema>;
export type UpdateTokenAuthTokenInput = z.infer<typeof updateTokenAuthTokenInputSchema>;
export type TokenIdParams = z.infer<typeof tokenIdParamsSchema>;
export type RevokeTokenAuthTokenInput = z.infer<typeof revokeTokenAuthTokenInputSchema>;
export type IdentityTokenAuth = z.infer<typeof identityTokenAuthSchema>;
export type TokenAuthToken = z.infer<typeof tokenAuthTokenSchema>;
