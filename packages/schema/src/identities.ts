import { z } from "zod";
import {
  idSchema,
  isoDateSchema,
  nameSchema,
  objectError,
  orgRoleSchema,
  pageContinuationShape,
  paginationShape,
  storableText,
  typeError,
  wholeNumberSchema,
} from "./common";
import {
  MAX_IDENTITY_METADATA_ENTRIES,
  MAX_IDENTITY_METADATA_KEY_LENGTH,
  MAX_IDENTITY_METADATA_VALUE_LENGTH,
  MAX_SEARCH_TERM_LENGTH,
} from "./limits";
import { allowedAudiencesSchema } from "./token-verification";

export const authMethods = ["oci-auth", "token-auth", "token"] as const;
export const authMethodSchema = z.enum(authMethods);

// ---------- Metadata: key/value pairs, as Infisical's identity metadata ----------

export const identityMetadataPairSchema = z.strictObject(
  {
    key: storableText("Metadata key")
      .trim()
      .min(1, "Metadata key cannot be empty")
      .max(MAX_IDENTITY_METADATA_KEY_LENGTH, `Metadata key must be at most ${MAX_IDENTITY_METADATA_KEY_LENGTH} characters`)
      .meta({ description: "Key of the pair, unique within the identity.", example: "team" }),
    value: storableText("Metadata value")
      .trim()
      .min(1, "Metadata value cannot be empty")
      .max(MAX_IDENTITY_METADATA_VALUE_LENGTH, `Metadata value must be at most ${MAX_IDENTITY_METADATA_VALUE_LENGTH} characters`)
      .meta({ description: "Value of the pair.", example: "payments" }),
  },
  { error: objectError("Each metadata entry") },
);

/** What a client sends: at most 50 pairs, keys unique (after trimming, case-sensitive). */
export const identityMetadataInputSchema = z
  .array(identityMetadataPairSchema, { error: typeError("Metadata", "an array of {key, value}") })
  .max(MAX_IDENTITY_METADATA_ENTRIES, `Metadata can have at most ${MAX_IDENTITY_METADATA_ENTRIES} entries`)
  .superRefine((pairs, ctx) => {
    const seen = new Set<string>();
    pairs.forEach(({ key }, index) => {
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [index, "key"], message: `Metadata key "${key}" is used more than once` });
      seen.add(key);
    });
  })
  .meta({
    description: `Key/value pairs describing the identity (at most ${MAX_IDENTITY_METADATA_ENTRIES}, keys unique).`,
    example: [{ key: "team", value: "payments" }],
  });

/** What the API returns: each stored pair has an id. */
export const identityMetadataEntrySchema = z.strictObject({ id: z.string(), key: z.string(), value: z.string() });

const hasDeleteProtectionSchema = z
  .boolean("hasDeleteProtection must be true or false")
  .meta({ description: "While true the identity cannot be deleted.", example: false });
const identityNameSchema = nameSchema("Name").meta({
  description: "Display name of the identity (1 to 64 characters).",
  example: "build-runner",
});
const roleFieldSchema = orgRoleSchema.meta({ description: "Organization role of the identity.", example: "member" });
const organizationIdSchema = idSchema("organizationId").meta({
  description: "Organization of the identity (default: the caller's organization).",
  example: "2f1c5a9e-8b3d-4c6f-9a1e-7d2b4c6e8f01",
});
const orgIdSchema = idSchema("orgId").meta({ description: "Infisical's name for organizationId; give one or the other, not both." });
const identityIdSchema = idSchema("identityId").meta({
  description: "Id of the machine identity.",
  example: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
});

// ---------- Inputs ----------

/** Everything a new identity may be given besides its organization, with the defaults. */
const newIdentityShape = {
  name: identityNameSchema,
  role: roleFieldSchema.default("no-access"),
  metadata: identityMetadataInputSchema.default([]),
  hasDeleteProtection: hasDeleteProtectionSchema.default(false),
};

/**
 * REST clients name the organization `orgId` (Infisical's SDKs and Terraform provider) or
 * `organizationId`; at most one may be given. Null (with an issue) when both are; otherwise the
 * one given, if any.
 */
function oneOrganizationId(orgId: string | undefined, organizationId: string | undefined, ctx: z.RefinementCtx): { id?: string } | null {
  if (orgId !== undefined && organizationId !== undefined) {
    ctx.addIssue({ code: "custom", path: ["orgId"], message: "Give either orgId or organizationId, not both" });
    return null;
  }
  const id = organizationId ?? orgId;
  return id === undefined ? {} : { id };
}

/** Create: exactly one of `organizationId` / `orgId` (Infisical's name), yields `organizationId`. */
export const createIdentityInputSchema = z
  .strictObject(
    {
      name: newIdentityShape.name,
      organizationId: organizationIdSchema.optional(),
      orgId: orgIdSchema.optional(),
      role: newIdentityShape.role,
      metadata: newIdentityShape.metadata,
      hasDeleteProtection: newIdentityShape.hasDeleteProtection,
      allowedAudiences: allowedAudiencesSchema.default([]),
    },
    { error: objectError("The request body") },
  )
  .transform(({ orgId, organizationId, ...rest }, ctx) => {
    const org = oneOrganizationId(orgId, organizationId, ctx);
    if (org?.id === undefined) {
      if (org) ctx.addIssue({ code: "custom", path: ["organizationId"], message: "organizationId (or orgId) is required" });
      return z.NEVER;
    }
    return { ...rest, organizationId: org.id };
  });

const updateIdentityShape = {
  name: identityNameSchema.optional(),
  role: roleFieldSchema.optional(),
  /** Replaces the whole list (`[]` removes every pair). */
  metadata: identityMetadataInputSchema.optional(),
  hasDeleteProtection: hasDeleteProtectionSchema.optional(),
  /** Replaces the whole list (`[]`: tokens for this service only). */
  allowedAudiences: allowedAudiencesSchema.optional(),
};
export const updateIdentityInputSchema = z.strictObject(
  { identityId: identityIdSchema, ...updateIdentityShape },
  { error: objectError("The request body") },
);

const searchShape = {
  search: storableText("Search")
    .trim()
    .max(64, "Search must be at most 64 characters")
    .meta({ description: "Only identities whose name contains this text (case-insensitive).", example: "runner" })
    .optional(),
  ...paginationShape,
};

/** List (REST: `GET /api/v1/identities?orgId=|organizationId=&search=&limit=&offset=`); default: the caller's organization. */
export const listIdentitiesInputSchema = z
  .strictObject(
    { organizationId: organizationIdSchema.optional(), orgId: orgIdSchema.optional(), ...searchShape },
    { error: objectError("The query") },
  )
  .transform(({ orgId, organizationId, ...rest }, ctx) => {
    const org = oneOrganizationId(orgId, organizationId, ctx);
    return org ? { ...rest, ...(org.id === undefined ? {} : { organizationId: org.id }) } : z.NEVER;
  });

// ---------- Infisical's search body (POST /api/v1/identities/search) ----------

const searchTerm = (label: string) =>
  storableText(label).max(MAX_SEARCH_TERM_LENGTH, `${label} must be at most ${MAX_SEARCH_TERM_LENGTH} characters`);
const searchTerms = (label: string) =>
  z.array(searchTerm(label), { error: typeError(label, "an array of strings") }).max(100, `${label} can list at most 100 values`);

/** A plain string means `$eq`. */
const nameConditionSchema = z
  .union(
    [
      searchTerm("Name"),
      z.strictObject(
        {
          $eq: searchTerm("Name $eq").meta({ description: "Name equals this." }).optional(),
          $contains: searchTerm("Name $contains").meta({ description: "Name contains this (case-insensitive)." }).optional(),
          $in: searchTerms("Name $in").meta({ description: "Name is one of these." }).optional(),
        },
        { error: objectError("The name condition") },
      ),
    ],
    { error: "The name condition must be a string or an object with $eq, $contains or $in" },
  )
  .meta({ description: "A name (exact match) or an object of conditions.", example: { $contains: "runner" } });
const roleConditionSchema = z
  .union(
    [
      searchTerm("Role"),
      z.strictObject(
        {
          $eq: searchTerm("Role $eq").meta({ description: "Role equals this." }).optional(),
          $in: searchTerms("Role $in").meta({ description: "Role is one of these." }).optional(),
        },
        { error: objectError("The role condition") },
      ),
    ],
    { error: "The role condition must be a string or an object with $eq or $in" },
  )
  .meta({ description: "A role (exact match) or an object of conditions.", example: { $in: ["admin", "member"] } });
const identitySearchFilterShape = { name: nameConditionSchema.optional(), role: roleConditionSchema.optional() };
export const identitySearchFilterSchema = z
  .strictObject(
    {
      ...identitySearchFilterShape,
      /** Identities matching any one of these (each with all of its conditions). */
      $or: z
        .array(z.strictObject(identitySearchFilterShape, { error: objectError("Each $or filter") }), {
          error: typeError("$or", "an array of filters"),
        })
        .max(20, "$or can list at most 20 filters")
        .meta({ description: "Identities matching any one of these filters (each with all of its conditions)." })
        .optional(),
    },
    { error: objectError("search") },
  )
  .meta({ description: "Conditions on name and role; all must hold.", example: { name: { $contains: "runner" } } });

export const identityOrderByFields = ["name", "role"] as const;
export const searchIdentitiesInputSchema = z
  .strictObject(
    {
      organizationId: organizationIdSchema.optional(),
      orgId: orgIdSchema.optional(),
      search: identitySearchFilterSchema.optional(),
      orderBy: z
        .enum(identityOrderByFields, "orderBy must be name or role")
        .meta({ description: "Field to sort by.", example: "name" })
        .default("name"),
      orderDirection: z
        .enum(["asc", "desc"], "orderDirection must be asc or desc")
        .meta({ description: "Sort direction.", example: "asc" })
        .default("asc"),
      limit: wholeNumberSchema("limit", 1, 100).meta({ description: "Page size (1 to 100).", example: 50 }).default(50),
      offset: wholeNumberSchema("offset", 0, 1_000_000).meta({ description: "Rows to skip.", example: 0 }).default(0),
    },
    { error: objectError("The request body") },
  )
  .transform(({ orgId, organizationId, ...rest }, ctx) => {
    const org = oneOrganizationId(orgId, organizationId, ctx);
    return org ? { ...rest, ...(org.id === undefined ? {} : { organizationId: org.id }) } : z.NEVER;
  });

// ---------- Our flat shape (tRPC, typed client, dashboard) ----------

export const identitySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  organizationId: z.string(),
  role: orgRoleSchema,
  authMethods: z.array(authMethodSchema),
  hasDeleteProtection: z.boolean(),
  metadata: z.array(identityMetadataEntrySchema),
  lastLoginAuthMethod: authMethodSchema.nullable(),
  lastLoginTime: isoDateSchema.nullable(),
  /** Audiences a login may ask this identity's tokens for, besides this service. */
  allowedAudiences: z.array(z.string()),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});

export const identityResponseSchema = z.strictObject({ identity: identitySchema });
export const identityListResponseSchema = z.strictObject({
  identities: z.array(identitySchema),
  totalCount: z.number().int(),
  ...pageContinuationShape,
});

// ---------- Infisical's shapes (REST) ----------

/** Infisical's identity row. `DELETE` returns it. */
export const infisicalIdentitySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  orgId: z.string(),
  hasDeleteProtection: z.boolean(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});

/** `POST /api/v1/identities`. */
export const createdIdentitySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  orgId: z.string(),
  authMethods: z.array(authMethodSchema),
  hasDeleteProtection: z.boolean(),
  metadata: z.array(identityMetadataEntrySchema),
  /** Only when the identity has some (Infisical's shape is unchanged otherwise). */
  allowedAudiences: z.array(z.string()).optional(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});

/** `PATCH /api/v1/identities/{identityId}`: the identity row with its metadata. */
export const updatedIdentitySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  orgId: z.string(),
  hasDeleteProtection: z.boolean(),
  metadata: z.array(identityMetadataEntrySchema),
  /** Only when the identity has some (Infisical's shape is unchanged otherwise). */
  allowedAudiences: z.array(z.string()).optional(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});

/**
 * Infisical's organization membership of an identity (`GET` one, list, search). There is no
 * separate membership record here: an identity belongs to exactly one organization, so the
 * membership `id` is the identity's id.
 */
export const identityMembershipSchema = z.strictObject({
  id: z.string(),
  orgId: z.string(),
  role: orgRoleSchema,
  customRole: z.null(),
  metadata: z.array(identityMetadataEntrySchema),
  lastLoginAuthMethod: authMethodSchema.nullable(),
  lastLoginTime: isoDateSchema.nullable(),
  /** Only when the identity has some (Infisical's shape is unchanged otherwise). */
  allowedAudiences: z.array(z.string()).optional(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
  identity: z.strictObject({
    id: z.string(),
    name: z.string(),
    authMethods: z.array(authMethodSchema),
    hasDeleteProtection: z.boolean(),
  }),
});

export const createIdentityResponseSchema = z.strictObject({ identity: createdIdentitySchema });
export const updateIdentityResponseSchema = z.strictObject({ identity: updatedIdentitySchema });
export const deleteIdentityResponseSchema = z.strictObject({ identity: infisicalIdentitySchema });
export const identityMembershipResponseSchema = z.strictObject({ identity: identityMembershipSchema });
export const identityMembershipListResponseSchema = z.strictObject({
  identities: z.array(identityMembershipSchema),
  totalCount: z.number().int(),
  ...pageContinuationShape,
});

export type CreateIdentityInput = z.output<typeof createIdentityInputSchema>;
export type UpdateIdentityInput = z.output<typeof updateIdentityInputSchema>;
export type ListIdentitiesInput = z.output<typeof listIdentitiesInputSchema>;
export type IdentitySearchFilter = z.output<typeof identitySearchFilterSchema>;
export type SearchIdentitiesInput = z.output<typeof searchIdentitiesInputSchema>;
export type IdentityMetadataEntry = z.infer<typeof identityMetadataEntrySchema>;
export type Identity = z.infer<typeof identitySchema>;
export type IdentityMembership = z.infer<typeof identityMembershipSchema>;
export type InfisicalIdentity = z.infer<typeof infisicalIdentitySchema>;
export type CreatedIdentity = z.infer<typeof createdIdentitySchema>;
export type UpdatedIdentity = z.infer<typeof updatedIdentitySchema>;
