import * as data from "@ociauth/db";
import {
  type CreateOrganizationBody,
  messages,
  type OrganizationIdParams,
  slugFromName,
  slugWithSuffix,
  type UpdateOrganizationInput,
} from "@ociauth/schema";
import type { AuthedContext } from "../../core/context";
import { AppError, badRequest, forbidden, notFound } from "../../core/errors";
import { auditEvent } from "../audit/audit-service";
import { actorRoleInOrg, storedRole } from "../auth/permissions";
import { write } from "../writes";

type OrganizationRow = NonNullable<Awaited<ReturnType<typeof data.findOrganization>>>;

export const toOrganizationDto = (org: OrganizationRow) => ({
  id: org.id,
  name: org.name,
  slug: org.slug,
  createdAt: org.createdAt.toISOString(),
  updatedAt: org.updatedAt.toISOString(),
});

/** Concurrent creations may pick the same derived slug: the loser tries again with the next suffix. */
const CREATE_ATTEMPTS = 3;

/** The first of `base`, `base-2`, `base-3`, … that no organization has. */
async function freeSlug(db: data.DbClient, base: string): Promise<string> {
  const taken = new Set(await data.listSlugsLike(db, base));
  for (let n = 1; ; n++) if (!taken.has(slugWithSuffix(base, n))) return slugWithSuffix(base, n);
}

/**
 * Any signed-in user may create an organization and becomes its admin (as in a self-hosted
 * Infisical). Machine identities belong to one organization and cannot create others (403).
 * Without a slug, one is derived from the name (with a suffix when taken); a given slug that is
 * taken answers 400.
 */
export async function createOrganization(ctx: AuthedContext, body: CreateOrganizationBody) {
  const { actor } = ctx;
  if (actor.type !== "user") throw forbidden(messages.identityCreatesOrganization);
  for (let attempt = 1; ; attempt++) {
    try {
      const organization = await write(ctx, {}, async (tx) => {
        const slug = body.slug ?? (await freeSlug(tx, slugFromName(body.name)));
        const created = await data.createOrganizationWithAdmin(tx, { name: body.name, slug, userId: actor.userId });
        await ctx.rt.audit.recordIn(
          tx,
          auditEvent(ctx, {
            orgId: created.id,
            eventType: "create-organization",
            metadata: { organizationId: created.id, name: created.name, slug: created.slug },
          }),
        );
        return created;
      });
      return { organization: toOrganizationDto(organization) };
    } catch (error) {
      if (!data.isUniqueViolation(error)) throw error;
      if (body.slug !== undefined) throw badRequest(messages.organizationSlugTaken(body.slug));
      if (attempt >= CREATE_ATTEMPTS) throw error;
    }
  }
}

/** The caller's organizations with its role in each: a user's memberships, an identity's one organization. */
export async function listOrganizations(ctx: AuthedContext) {
  const { actor } = ctx;
  if (actor.type === "identity") {
    const org = await data.findOrganization(ctx.db, actor.orgId);
    return { organizations: org ? [{ ...toOrganizationDto(org), userRole: actor.role }] : [] };
  }
  const rows = await data.listOrganizationsOfUser(ctx.db, actor.userId);
  return { organizations: rows.map((row) => ({ ...toOrganizationDto(row), userRole: storedRole(row.role) })) };
}

/** One organization the caller belongs to; any other answers 404. */
export async function getOrganization(ctx: AuthedContext, { organizationId }: OrganizationIdParams) {
  const org = (await actorRoleInOrg(ctx, organizationId)) === null ? null : await data.findOrganization(ctx.db, organizationId);
  if (!org) throw notFound(messages.organizationNotFound(organizationId));
  return { organization: toOrganizationDto(org) };
}

/** Admins (users, or the organization's own admin identities) rename it or change its slug. */
export async function updateOrganization(ctx: AuthedContext, { organizationId, ...patch }: UpdateOrganizationInput) {
  const role = await actorRoleInOrg(ctx, organizationId);
  if (role === null) throw notFound(messages.organizationNotFound(organizationId));
  if (role !== "admin") {
    throw new AppError("PERMISSION_DENIED", messages.organizationEditDenied, [
      { action: "edit", subject: "organization", inverted: false, conditions: null },
    ]);
  }
  try {
    const organization = await write(ctx, {}, async (tx) => {
      const before = await data.findOrganization(tx, organizationId);
      const after = before && (await data.updateOrganization(tx, organizationId, patch));
      if (!before || !after) throw notFound(messages.organizationNotFound(organizationId));
      const changedFields = (["name", "slug"] as const).filter((field) => before[field] !== after[field]);
      await ctx.rt.audit.recordIn(
        tx,
        auditEvent(ctx, {
          orgId: organizationId,
          eventType: "update-organization",
          metadata: {
            organizationId,
            changedFields,
            before: Object.fromEntries(changedFields.map((field) => [field, before[field]])),
            after: Object.fromEntries(changedFields.map((field) => [field, after[field]])),
          },
        }),
      );
      return after;
    });
    return { message: messages.organizationUpdated, organization: toOrganizationDto(organization) };
  } catch (error) {
    if (patch.slug !== undefined && data.isUniqueViolation(error)) throw badRequest(messages.organizationSlugTaken(patch.slug));
    throw error;
  }
}

/** Infisical's identity details (Terraform's `infisical_identity_details`): the calling identity's organization. */
export async function getIdentityDetails(ctx: AuthedContext) {
  const { actor } = ctx;
  if (actor.type !== "identity") throw forbidden(messages.identityDetailsNeedsIdentity);
  const org = await data.findOrganization(ctx.db, actor.orgId);
  if (!org) throw notFound(messages.organizationNotFound(actor.orgId));
  return { identityDetails: { organization: { id: org.id, name: org.name, slug: org.slug } } };
}
