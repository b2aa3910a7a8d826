import { z } from "zod";
import { idSchema, isoDateSchema, nameSchema, orgRoleSchema, paginationShape, storableText } from "./common";
import {
  MAX_IDENTITY_METADATA_ENTRIES,
  MAX_IDENTITY_METADATA_KEY_LENGTH,
  MAX_IDENTITY_METADATA_VALUE_LENGTH,
  MAX_SEARCH_TERM_LENGTH,
} from "./limits";

export const authMethods = ["oci-auth", "token"] as const;
export const authMethodSchema = z.enum(authMethods);

// ---------- Metadata: key/value pairs, as Infisical's identity metadata ----------

export const identityMetadataPairSchema = z.strictObject({
  key: storableText("Metadata key")
    .trim()
    .min(1, "Metadata key cannot be empty")
    .max(MAX_IDENTITY_METADATA_KEY_LENGTH, `Metadata key must be at most ${MAX_IDENTITY_METADATA_KEY_LENGTH} characters`),
  value: storableText("Metadata value")
    .trim()
    .min(1, "Metadata value cannot be empty")
    .max(MAX_IDENTITY_METADATA_VALUE_LENGTH, `Metadata value must be at most ${MAX_IDENTITY_METADATA_VALUE_LENGTH} characters`),
});

/** What a client sends: at most 50 pairs, keys unique (after trimming, case-sensitive). */
export const identityMetadataInputSchema = z
  .array(identityMetadataPairSchema, "Metadata must be an array of {key, value}")
  .max(MAX_IDENTITY_METADATA_ENTRIES, `Metadata can have at most ${MAX_IDENTITY_METADATA_ENTRIES} entries`)
  .superRefine((pairs, ctx) => {
    const seen = new Set<string>();
    pairs.forEach(({ key }, index) => {
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [index, "key"], message: `Metadata key "${key}" is used more than once` });
      seen.add(key);
    });
  });

/** What the API returns: each stored pair has an id. */
export const identityMetadataEntrySchema = z.strictObject({ id: z.string(), key: z.string(), value: z.string() });

const hasDeleteProtectionSchema = z.boolean("hasDeleteProtection must be true or false");

// ---------- Inputs ----------

/** Everything a new identity may be given besides its organization, with the defaults. */
const newIdentityShape = {
  name: nameSchema("Name"),
  role: orgRoleSchema.default("no-access"),
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
  .strictObject({
    name: newIdentityShape.name,
    organizationId: idSchema("organizationId").optional(),
    orgId: idSchema("orgId").optional(),
    role: newIdentityShape.role,
    metadata: newIdentityShape.metadata,
    hasDeleteProtection: newIdentityShape.hasDeleteProtection,
  })
  .transform(({ orgId, organizationId, ...rest }, ctx) => {
    const org = oneOrganizationId(orgId, organizationId, ctx);
    if (org?.id === undefined) {
      if (org) ctx.addIssue({ code: "custom", path: ["organizationId"], message: "organizationId (or orgId) is required" });
      return z.NEVER;
    }
    return { ...rest, organizationId: org.id };
  });

const updateIdentityShape = {
  name: nameSchema("Name").optional(),
  role: orgRoleSchema.optional(),
  /** Replaces the whole list (`[]` removes every pair). */
  metadata: identityMetadataInputSchema.optional(),
  hasDeleteProtection: hasDeleteProtectionSchema.optional(),
};
export const updateIdentityInputSchema = z.strictObject({ identityId: idSchema("identityId"), ...updateIdentityShape });

const searchShape = {
  search: storableText("Search").trim().max(64, "Search must be at most 64 characters").optional(),
  ...paginationShape,
};

/** List (REST: `GET /api/v1/identities?orgId=|organizationId=&search=&limit=&offset=`); default: the caller's organization. */
export const listIdentitiesInputSchema = z
  .strictObject({ organizationId: idSchema("organizationId").optional(), orgId: idSchema("orgId").optional(), ...searchShape })
  .transform(({ orgId, organizationId, ...rest }, ctx) => {
    const org = oneOrganizationId(orgId, organizationId, ctx);
    return org ? { ...rest, ...(org.id === undefined ? {} : { organizationId: org.id }) } : z.NEVER;
  });

// ---------- Infisical's search body (POST /api/v1/identities/search) ----------

const searchTerm = (label: string) =>
  storableText(label).max(MAX_SEARCH_TERM_LENGTH, `${label} must be at most ${MAX_SEARCH_TERM_LENGTH} characters`);
const searchTerms = (label: string) => z.array(searchTerm(label)).max(100, `${label} can list at most 100 values`);

/** A plain string means `$eq`. */
const nameConditionSchema = z.union([
  searchTerm("Name"),
  z.strictObject({
    $eq: searchTerm("Name $eq").optional(),
    $contains: searchTerm("Name $contains").optional(),
    $in: searchTerms("Name $in").optional(),
  }),
]);
const roleConditionSchema = z.union([
  searchTerm("Role"),
  z.strictObject({ $eq: searchTerm("Role $eq").optional(), $in: searchTerms("Role $in").optional() }),
]);
const identitySearchFilterShape = { name: nameConditionSchema.optional(), role: roleConditionSchema.optional() };
export const identitySearchFilterSchema = z.strictObject({
  ...identitySearchFilterShape,
  /** Identities matching any one of these (each with all of its conditions). */
  $or: z.array(z.strictObject(identitySearchFilterShape)).max(20, "$or can list at most 20 filters").optional(),
});

export const identityOrderByFields = ["name", "role"] as const;
export const searchIdentitiesInputSchema = z
  .strictObject({
    organizationId: idSchema("organizationId").optional(),
    orgId: idSchema("orgId").optional(),
    search: identitySearchFilterSchema.optional(),
    orderBy: z.enum(identityOrderByFields, "orderBy must be name or role").default("name"),
    orderDirection: z.enum(["asc", "desc"], "orderDirection must be asc or desc").default("asc"),
    limit: z.number().int().min(1).max(100).default(50),
    offset: z.number().int().min(0).max(1_000_000).default(0),
  })
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
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});

export const identityResponseSchema = z.strictObject({ identity: identitySchema });
export const identityListResponseSchema = z.strictObject({
  identities: z.array(identitySchema),
  totalCount: z.number().int(),
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
