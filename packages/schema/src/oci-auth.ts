import { z } from "zod";
import { idSchema, isoDateSchema, storableText } from "./common";
import { DEFAULT_TOKEN_TTL_SECONDS, DEFAULT_TRUSTED_IPS, MAX_NUM_USES_LIMIT, MAX_TOKEN_TTL_SECONDS, MAX_TRUSTED_IPS } from "./limits";
import { messages } from "./messages";
import { isValidIpOrCidr } from "./trusted-ip";
import { allowedUsernamesSchema } from "./usernames";

export const TENANCY_OCID_PATTERN = /^ocid1\.tenancy\.oc1\..+$/;

export const tenancyOcidSchema = storableText("Tenancy OCID")
  .trim()
  .min(1, { error: messages.tenancyEmpty, abort: true })
  .max(255)
  .regex(TENANCY_OCID_PATTERN, messages.tenancyFormat);

export const trustedIpInputSchema = z.strictObject({
  ipAddress: z
    .string()
    .trim()
    .max(64, { error: messages.trustedIpInvalid, abort: true })
    .refine(isValidIpOrCidr, messages.trustedIpInvalid),
});
export const trustedIpsInputSchema = z.array(trustedIpInputSchema).min(1).max(MAX_TRUSTED_IPS);

export const accessTokenTTLSchema = z.int().min(0).max(MAX_TOKEN_TTL_SECONDS);
export const accessTokenMaxTTLSchema = z.int().min(1).max(MAX_TOKEN_TTL_SECONDS);
export const accessTokenNumUsesLimitSchema = z.int().min(0).max(MAX_NUM_USES_LIMIT);

/** The cross-field rule, shared by attach (on the body) and update (on the merged result). */
export function ttlWithinMax(config: { accessTokenTTL: number; accessTokenMaxTTL: number }): boolean {
  return config.accessTokenTTL <= config.accessTokenMaxTTL;
}

const identityIdShape = { identityId: idSchema("identityId") };
export const identityIdParamsSchema = z.strictObject(identityIdShape);

const attachShape = {
  tenancyOcid: tenancyOcidSchema,
  allowedUsernames: allowedUsernamesSchema.optional().default(null),
  accessTokenTrustedIps: trustedIpsInputSchema.default(() => DEFAULT_TRUSTED_IPS.map((ip) => ({ ...ip }))),
  accessTokenTTL: accessTokenTTLSchema.default(DEFAULT_TOKEN_TTL_SECONDS),
  accessTokenMaxTTL: accessTokenMaxTTLSchema.default(DEFAULT_TOKEN_TTL_SECONDS),
  accessTokenNumUsesLimit: accessTokenNumUsesLimitSchema.default(0),
};

/** PATCH: every field optional; an omitted field stays unchanged (a deliberate fix over Infisical). */
const updateShape = {
  tenancyOcid: tenancyOcidSchema.optional(),
  allowedUsernames: allowedUsernamesSchema.optional(),
  accessTokenTrustedIps: trustedIpsInputSchema.optional(),
  accessTokenTTL: accessTokenTTLSchema.optional(),
  accessTokenMaxTTL: accessTokenMaxTTLSchema.optional(),
  accessTokenNumUsesLimit: accessTokenNumUsesLimitSchema.optional(),
};

const ttlIssue = { message: messages.ttlAboveMax, path: ["accessTokenTTL"] };
const bothTtlsWithinMax = (body: { accessTokenTTL?: number; accessTokenMaxTTL?: number }) =>
  body.accessTokenTTL === undefined ||
  body.accessTokenMaxTTL === undefined ||
  ttlWithinMax({ accessTokenTTL: body.accessTokenTTL, accessTokenMaxTTL: body.accessTokenMaxTTL });

/** One input per operation: on REST the identity id comes from the path, the rest from the body. */
export const attachOciAuthInputSchema = z.strictObject({ ...identityIdShape, ...attachShape }).refine(ttlWithinMax, ttlIssue);
export const updateOciAuthInputSchema = z.strictObject({ ...identityIdShape, ...updateShape }).refine(bothTtlsWithinMax, ttlIssue);

export const trustedIpSchema = z.strictObject({
  ipAddress: z.string(),
  type: z.enum(["ipv4", "ipv6"]),
  prefix: z.number().int().optional(),
});

export const identityOciAuthSchema = z.strictObject({
  id: z.string(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
  identityId: z.string(),
  type: z.literal("iam"),
  tenancyOcid: z.string(),
  accessTokenTTL: z.number(),
  accessTokenMaxTTL: z.number(),
  accessTokenNumUsesLimit: z.number(),
  accessTokenTrustedIps: z.array(trustedIpSchema),
  allowedUsernames: z.string().nullable(),
  accessTokenPeriod: z.number(),
});

export const identityOciAuthResponseSchema = z.strictObject({ identityOciAuth: identityOciAuthSchema });

export type AttachOciAuthInput = z.infer<typeof attachOciAuthInputSchema>;
export type UpdateOciAuthInput = z.infer<typeof updateOciAuthInputSchema>;
export type TrustedIp = z.infer<typeof trustedIpSchema>;
export type IdentityOciAuth = z.infer<typeof identityOciAuthSchema>;
export type IdentityIdParams = z.infer<typeof identityIdParamsSchema>;
