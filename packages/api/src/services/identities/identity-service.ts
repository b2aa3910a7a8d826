import { budgetedPage } from "../pages/page-budget-fns";
import * as data from "@ociauth/db";
import {
  type CreateIdentityInput,
  type ListIdentitiesInput,
  MAX_PAGE_BYTES,
  messages,
  type IdentityIdParams,
  type SearchIdentitiesInput,
  type UpdateIdentityInput,
} from "@ociauth/schema";
import type { AuthedContext } from "../../core/context";
import { badRequest, notFound } from "../../core/errors";
import { auditEvent } from "../audit/audit-service";
import { actorRoleInOrg, assertRoleAllows, assertWithinBoundary, defaultOrgOf, loadIdentityFor } from "../auth/permissions";
import { write } from "../writes";
import { identityChanges, toIdentityDto, toIdentityListFilter } from "./identity-fns";

/**
 * Creates an identity (role default no-access, no metadata, no delete protection; the schemas
 * fill the defaults). The actor needs member or more, and may not create one above its own role.
 */
export async function createIdentity(ctx: AuthedContext, input: CreateIdentityInput) {
  const role = await actorRoleInOrg(ctx, input.organizationId);
  if (role === null) throw notFound(messages.organizationNotFound(input.organizationId));
  assertRoleAllows(role, "create");
  assertWithinBoundary(input.role, role, "create");
  const identity = await write(ctx, {}, async (tx) => {
    const created = await data.createIdentity(tx, {
      orgId: input.organizationId,
      name: input.name,
      role: input.role,
      hasDeleteProtection: input.hasDeleteProtection,
      metadata: input.metadata,
      allowedAudiences: input.allowedAudiences,
    });
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: created.orgId,
        eventType: "create-identity",
        metadata: {
          identityId: created.id,
          name: created.name,
          role: created.role,
          hasDeleteProtection: created.hasDeleteProtection,
          metadata: input.metadata,
          ...(input.allowedAudiences.length > 0 ? { allowedAudiences: input.allowedAudiences } : {}),
        },
      }),
    );
    return created;
  });
  return { identity: toIdentityDto(identity) };
}

export async function getIdentity(ctx: AuthedContext, { identityId }: IdentityIdParams) {
  await loadIdentityFor(ctx, identityId, "read");
  // The permission check may come from the auth cache; what is shown (last login, metadata) is read fresh.
  const identity = await data.findIdentity(ctx.db, identityId);
  if (!identity) throw notFound(messages.identityNotFound(identityId));
  await ctx.rt.audit.record(
    auditEvent(ctx, {
      orgId: identity.orgId,
      eventType: "get-identity",
      metadata: { identityId },
    }),
  );
  return { identity: toIdentityDto(identity) };
}

/** The organization to list: the one named, else the actor's; 404 unless the actor may read in it. */
async function readableOrg(ctx: AuthedContext, organizationId: string | undefined) {
  const orgId = organizationId ?? (await defaultOrgOf(ctx));
  const role = orgId ? await actorRoleInOrg(ctx, orgId) : null;
  if (!orgId || role === null) throw notFound(messages.organizationNotFound(organizationId ?? "(none)"));
  assertRoleAllows(role, "read");
  return orgId;
}

/** Newest first; `search` matches names case-insensitively anywhere in the name. */
export async function listIdentities(ctx: AuthedContext, query: ListIdentitiesInput) {
  const orgId = await readableOrg(ctx, query.organizationId);
  return identityPage(ctx, {
    orgId,
    filter: query.search ? { name: { contains: query.search } } : {},
    orderBy: { field: "createdAt", direction: "desc" },
    limit: query.limit,
    offset: query.offset,
  });
}

/** The rows of a page's first read: enough to tell small identities from large ones. */
const FIRST_SLICE_ROWS = 20;

/**
 * A page of identities within the page byte budget, with where the next one starts. It is read in
 * two slices: when the first slice's identities are large, only as many as the budget can send
 * are read (a page of planted 50-entry metadata reads ~20 identities, not 100).
 */
async function identityPage(ctx: AuthedContext, query: data.IdentityListQuery) {
  const { offset, limit } = query;
  const first = await data.listIdentities(ctx.db, { ...query, limit: Math.min(limit, FIRST_SLICE_ROWS) });
  const dtos = first.identities.map(toIdentityDto);
  const bytes = dtos.reduce((sum, dto) => sum + Buffer.byteLength(JSON.stringify(dto)), 0);
  const more = Math.min(limit - dtos.length, dtos.length === 0 ? 0 : Math.floor((MAX_PAGE_BYTES - bytes) / (bytes / dtos.length)) + 1);
  if (dtos.length === FIRST_SLICE_ROWS && more > 0) {
    const rest = await data.listIdentities(ctx.db, { ...query, offset: offset + dtos.length, limit: more, count: false });
    dtos.push(...rest.identities.map(toIdentityDto));
  }
  const { rows: identities, ...page } = budgetedPage(dtos, { offset, limit, total: first.totalCount });
  return { identities, totalCount: first.totalCount, ...page };
}

/** Infisical's search: name/role conditions (`$eq`, `$contains`, `$in`, `$or`), ordered by name or role. */
export async function searchIdentities(ctx: AuthedContext, query: SearchIdentitiesInput) {
  const orgId = await readableOrg(ctx, query.organizationId);
  return identityPage(ctx, {
    orgId,
    ...toIdentityListFilter(query.search),
    orderBy: { field: query.orderBy, direction: query.orderDirection },
    limit: query.limit,
    offset: query.offset,
  });
}

export async function updateIdentity(ctx: AuthedContext, { identityId, ...patch }: UpdateIdentityInput) {
  const { actorRole } = await loadIdentityFor(ctx, identityId, "edit", "update");
  if (patch.role) assertWithinBoundary(patch.role, actorRole, "update");
  try {
    const updated = await write(ctx, { identity: identityId }, async (tx) => {
      const before = await data.findIdentityForUpdate(tx, identityId);
      if (!before) throw notFound(messages.identityNotFound(identityId));
      const after = await data.updateIdentity(tx, identityId, patch);
      const { changedFields, changes, before: previous } = identityChanges(before, after);
      await ctx.rt.audit.recordIn(
        tx,
        auditEvent(ctx, {
          orgId: after.orgId,
          eventType: "update-identity",
          metadata: { identityId, name: after.name, changedFields, ...changes, before: previous, after: changes },
        }),
      );
      return toIdentityDto(after);
    });
    return { identity: updated };
  } catch (error) {
    if (data.isMissingRowError(error)) throw notFound(messages.identityNotFound(identityId));
    throw error;
  }
}

/** Admins only; refused (400) while the identity's delete protection is on. */
export async function deleteIdentity(ctx: AuthedContext, { identityId }: IdentityIdParams) {
  await loadIdentityFor(ctx, identityId, "delete");
  return write(ctx, { identity: identityId, tokensOfIdentity: identityId }, async (tx) => {
    const identity = await data.findIdentityForUpdate(tx, identityId);
    if (!identity) throw notFound(messages.identityNotFound(identityId));
    if (identity.hasDeleteProtection) throw badRequest(messages.identityDeleteProtected);
    if (!(await data.deleteIdentity(tx, identityId))) throw notFound(messages.identityNotFound(identityId));
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: identity.orgId,
        eventType: "delete-identity",
        metadata: { identityId, name: identity.name },
      }),
    );
    return { identity: toIdentityDto(identity) };
  });
}
