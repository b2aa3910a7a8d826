import { z } from "zod";
import { idSchema, isoDateSchema, objectError, storableText, typeError, wholeNumberSchema } from "./common";
import { DEFAULT_TOKEN_TTL_SECONDS, DEFAULT_TRUSTED_IPS, MAX_NUM_USES_LIMIT, MAX_TOKEN_TTL_SECONDS, MAX_TRUSTED_IPS } from "./limits";
import { messages } from "./messages";
import { isValidIpOrCidr } from "./trusted-ip";
import {
  allowedCompartmentOcidsSchema,
  allowedPrincipalOcidsSchema,
  allowedPrincipalTypesSchema,
  allowedRegionsSchema,
  OCI_PRINCIPAL_TYPES,
} from "./oci-principals";
import { allowedUsernamesSchema } from "./usernames";

export const TENANCY_OCID_PATTERN = /^ocid1\.tenancy\.oc1\..+$/;

export const tenancyOcidSchema = storableText("Tenancy OCID")
  .trim()
  .min(1, { error: messages.tenancyEmpty, abort: true })
  .max(255, "Tenancy OCID must be at most 255 characters")
  .regex(TENANCY_OCID_PATTERN, messages.tenancyFormat)
  .meta({
    description: "OCID of the tenancy whose users may log in as this identity.",
    example: "ocid1.tenancy.oc1..aaaaaaaaexampletenancy",
  });

export const trustedIpInputSchema = z.strictObject(
  {
    ipAddress: z
      .string({ error: typeError("Trusted IP address", "text") })
      .trim()
      .max(64, { error: messages.trustedIpInvalid, abort: true })
      .refine(isValidIpOrCidr, messages.trustedIpInvalid)
      .meta({ description: "An IPv4 or IPv6 address or CIDR block.", example: "10.0.0.0/8" }),
  },
  { error: objectError("Each trusted IP") },
);
export const trustedIpsInputSchema = z
  .array(trustedIpInputSchema, { error: typeError("Trusted IPs", "an array of {ipAddress}") })
  .min(1, "Trusted IPs must list at least one address (0.0.0.0/0 and ::/0 allow every address)")
  .max(MAX_TRUSTED_IPS, `Trusted IPs can list at most ${MAX_TRUSTED_IPS} addresses`)
  .meta({
    description: "Addresses the issued access tokens may be used from (default: every IPv4 and IPv6 address).",
    example: [{ ipAddress: "10.0.0.0/8" }],
  });

export const accessTokenTTLSchema = wholeNumberSchema("Access token TTL", 0, MAX_TOKEN_TTL_SECONDS, "seconds").meta({
  description: "Lifetime of an issued access token in seconds (0: up to the max TTL).",
  example: 3600,
});
export const accessTokenMaxTTLSchema = wholeNumberSchema("Access token max TTL", 1, MAX_TOKEN_TTL_SECONDS, "seconds").meta({
  description: "Longest total lifetime of an access token, renewals included, in seconds.",
  example: 86400,
});
/** On update, as in Infisical, 0 is allowed too: no max TTL (renewals extend a token without end). */
export const updatedAccessTokenMaxTTLSchema = wholeNumberSchema("Access token max TTL", 0, MAX_TOKEN_TTL_SECONDS, "seconds").meta({
  description:
    "Longest total lifetime of an access token, renewals included, in seconds (0: no max TTL, a token lives by its TTL and renewals without end).",
  example: 86400,
});
export const accessTokenNumUsesLimitSchema = wholeNumberSchema("Access token uses limit", 0, MAX_NUM_USES_LIMIT).meta({
  description: "How many requests one access token may make (0: unlimited).",
  example: 0,
});

/** The cross-field rule, shared by attach (on the body) and update (on the merged result); a max TTL of 0 is no max. */
export function ttlWithinMax(config: { accessTokenTTL: number; accessTokenMaxTTL: number }): boolean {
  return config.accessTokenMaxTTL === 0 || config.accessTokenTTL <= config.accessTokenMaxTTL;
}

const identityIdShape = {
  identityId: idSchema("identityId").meta({ description: "Id of the machine identity.", example: "7c9e6679-7425-40de-944b-e07fc1f90ae7" }),
};
export const identityIdParamsSchema = z.strictObject(identityIdShape, { error: objectError("The request") });

/** The principal rules (beyond Infisical): on attach an omitted rule is null (no restriction; principal types: users only). */
const attachPrincipalRules = {
  allowedPrincipalTypes: allowedPrincipalTypesSchema.optional().default(null),
  allowedCompartmentOcids: allowedCompartmentOcidsSchema.optional().default(null),
  allowedPrincipalOcids: allowedPrincipalOcidsSchema.optional().default(null),
  allowedRegions: allowedRegionsSchema.optional().default(null),
};
/** On update an omitted rule stays unchanged; null clears it. */
const updatePrincipalRules = {
  allowedPrincipalTypes: allowedPrincipalTypesSchema.optional(),
  allowedCompartmentOcids: allowedCompartmentOcidsSchema.optional(),
  allowedPrincipalOcids: allowedPrincipalOcidsSchema.optional(),
  allowedRegions: allowedRegionsSchema.optional(),
};

const attachShape = {
  tenancyOcid: tenancyOcidSchema,
  allowedUsernames: allowedUsernamesSchema.optional().default(null),
  accessTokenTrustedIps: trustedIpsInputSchema.default(() => DEFAULT_TRUSTED_IPS.map((ip) => ({ ...ip }))),
  accessTokenTTL: accessTokenTTLSchema.default(DEFAULT_TOKEN_TTL_SECONDS),
  accessTokenMaxTTL: accessTokenMaxTTLSchema.default(DEFAULT_TOKEN_TTL_SECONDS),
  accessTokenNumUsesLimit: accessTokenNumUsesLimitSchema.default(0),
  ...attachPrincipalRules,
};

/** PATCH: every field optional; an omitted field stays unchanged (a deliberate fix over Infisical). */
const updateShape = {
  tenancyOcid: tenancyOcidSchema.optional(),
  allowedUsernames: allowedUsernamesSchema.optional(),
  accessTokenTrustedIps: trustedIpsInputSchema.optional(),
  accessTokenTTL: accessTokenTTLSchema.optional(),
  accessTokenMaxTTL: updatedAccessTokenMaxTTLSchema.optional(),
  accessTokenNumUsesLimit: accessTokenNumUsesLimitSchema.optional(),
  ...updatePrincipalRules,
};

const ttlIssue = { message: messages.ttlAboveMax, path: ["accessTokenTTL"] };
const bothTtlsWithinMax = (body: { accessTokenTTL?: number; accessTokenMaxTTL?: number }) =>
  body.accessTokenTTL === undefined ||
  body.accessTokenMaxTTL === undefined ||
  ttlWithinMax({ accessTokenTTL: body.accessTokenTTL, accessTokenMaxTTL: body.accessTokenMaxTTL });

/** One input per operation: on REST the identity id comes from the path, the rest from the body. */
export const attachOciAuthInputSchema = z
  .strictObject({ ...identityIdShape, ...attachShape }, { error: objectError("The request body") })
  .refine(ttlWithinMax, ttlIssue);
export const updateOciAuthInputSchema = z
  .strictObject({ ...identityIdShape, ...updateShape }, { error: objectError("The request body") })
  .refine(bothTtlsWithinMax, ttlIssue);

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
  // Present only when set, so a configuration that uses none of them reads exactly as Infisical's.
  allowedPrincipalTypes: z.array(z.enum(OCI_PRINCIPAL_TYPES)).optional(),
  allowedCompartmentOcids: z.string().optional(),
  allowedPrincipalOcids: z.string().optional(),
  allowedRegions: z.string().optional(),
});

export const identityOciAuthResponseSchema = z.strictObject({ identityOciAuth: identityOciAuthSchema });

export type AttachOciAuthInput = z.infer<typeof attachOciAuthInputSchema>;
export type UpdateOciAuthInput = z.infer<typeof updateOciAuthInputSchema>;
export type TrustedIp = z.infer<typeof trustedIpSchema>;
export type IdentityOciAuth = z.infer<typeof identityOciAuthSchema>;
export type IdentityIdParams = z.infer<typeof identityIdParamsSchema>;
