import { z } from "zod";
import { idSchema, isoDateSchema, nameSchema, objectError, orgRoleSchema, typeError } from "./common";

/** An organization's slug: what Infisical's clients name it by (INFISICAL_AUTH_ORGANIZATION_SLUG). */
export const MAX_SLUG_LENGTH = 64;
/** Lowercase letters and digits in groups joined by single hyphens: "acme", "acme-prod-2". */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Room left for a collision suffix ("-2", "-17") when a slug is derived from a name. */
const DERIVED_SLUG_LENGTH = MAX_SLUG_LENGTH - 8;

export const slugMessages = {
  format: "Slug may hold only lowercase letters, digits and single hyphens between them (e.g. acme-prod)",
  empty: "Slug cannot be empty",
  tooLong: `Slug must be at most ${MAX_SLUG_LENGTH} characters`,
} as const;

export const organizationSlugSchema = z
  .string({ error: typeError("Slug", "text") })
  .trim()
  .min(1, { error: slugMessages.empty, abort: true })
  .max(MAX_SLUG_LENGTH, { error: slugMessages.tooLong, abort: true })
  .regex(SLUG_PATTERN, slugMessages.format)
  .meta({ description: "Unique name of the organization in URLs and logins (lowercase letters, digits, hyphens).", example: "acme" });

/**
 * The slug an organization gets from its name: lowercase ASCII letters and digits, every other run
 * of characters one hyphen ("Acme Corp." → "acme-corp", "Café" → "cafe"); "org" when nothing is left.
 */
export function slugFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, DERIVED_SLUG_LENGTH)
    .replace(/^-+|-+$/g, "");
  return slug || "org";
}

/** `base` with the n-th collision suffix: n = 1 is the base itself, then base-2, base-3, … */
export const slugWithSuffix = (base: string, n: number) => (n <= 1 ? base : `${base}-${n}`);

const organizationIdSchema = idSchema("organizationId").meta({
  description: "Id of the organization.",
  example: "2f1c5a9e-8b3d-4c6f-9a1e-7d2b4c6e8f01",
});
const organizationNameSchema = nameSchema("Organization name").meta({ description: "Display name of the organization.", example: "Acme" });

export const organizationSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});

/** One organization of the caller's list, with the caller's role in it (Infisical's `userRole`). */
export const organizationListEntrySchema = organizationSchema.extend({ userRole: orgRoleSchema });

export const createOrganizationBodySchema = z.strictObject(
  {
    name: organizationNameSchema,
    slug: organizationSlugSchema.optional().meta({ description: "Default: derived from the name (with a suffix when taken)." }),
  },
  { error: objectError("The request body") },
);

export const organizationIdParamsSchema = z.strictObject({ organizationId: organizationIdSchema }, { error: objectError("The request") });

/** REST: `organizationId` from the path, `name` / `slug` from the body; at least one of them. */
export const updateOrganizationInputSchema = z
  .strictObject(
    { organizationId: organizationIdSchema, name: organizationNameSchema.optional(), slug: organizationSlugSchema.optional() },
    { error: objectError("The request body") },
  )
  .refine((input) => input.name !== undefined || input.slug !== undefined, { message: "Give a new name or slug", path: ["name"] });

export const organizationResponseSchema = z.strictObject({ organization: organizationSchema });
export const organizationListResponseSchema = z.strictObject({ organizations: z.array(organizationListEntrySchema) });
export const updateOrganizationResponseSchema = z.strictObject({ message: z.string(), organization: organizationSchema });

/** Infisical's `GET /api/v1/identities/details`: the calling identity's organization (Terraform's infisical_identity_details). */
export const identityDetailsResponseSchema = z.strictObject({
  identityDetails: z.strictObject({
    organization: z.strictObject({ id: z.string(), name: z.string(), slug: z.string() }),
  }),
});

/** The optional `organizationSlug` of Infisical's login bodies (the Go SDK sends INFISICAL_AUTH_ORGANIZATION_SLUG). */
export const loginOrganizationSlugSchema = z
  .string({ error: typeError("organizationSlug", "text") })
  .trim()
  .max(MAX_SLUG_LENGTH, `organizationSlug must be at most ${MAX_SLUG_LENGTH} characters`)
  .optional()
  .meta({ description: "When given (and not empty), the login succeeds only if it names the identity's organization." });

export type Organization = z.infer<typeof organizationSchema>;
export type OrganizationListEntry = z.infer<typeof organizationListEntrySchema>;
export type CreateOrganizationBody = z.infer<typeof createOrganizationBodySchema>;
export type OrganizationIdParams = z.infer<typeof organizationIdParamsSchema>;
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationInputSchema>;
