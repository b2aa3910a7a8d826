import * as data from "@ociauth/db";
import {
  type CreateIdentityBody,
  type ListIdentitiesQuery,
  messages,
  type UpdateIdentityBody,
} from "@ociauth/schema";
import type { AuthedContext } from "../../context";
import { notFound } from "../../errors";
import { recordAudit } from "../audit/audit-service";
import { forgetIdentity } from "../auth/identity-state";
import { actorRoleInOrg, assertRoleAllows, assertWithinBoundary, loadIdentityFor } from "../auth/permissions";
import { toIdentityDto } from "./identity-fns";

/** The organization an actor works in when a request names none: its own (identity) or its first (user). */
export async function defaultOrgOf(ctx: AuthedContext): Promise<string | null> {
  if (ctx.actor.type === "identity") return ctx.actor.orgId;
  const memberships = await data.listMembershipsOfUser(ctx.db, ctx.actor.userId);
  return memberships[0]?.orgId ?? null;
}

export async function createIdentity(ctx: AuthedContext, body: CreateIdentityBody) {
  const role = await actorRoleInOrg(ctx, body.organizationId);
  if (role === null) throw notFound(messages.organizationNotFound(body.organizationId));
  assertRoleAllows(role, "create");
  assertWithinBoundary(body.role, role, "create");
  const identity = await ctx.db.$transaction(async (tx) => {
    const created = await data.createIdentity(tx, { orgId: body.organizationId, name: body.name, role: body.role });
    await recordAudit(tx, ctx.meta, ctx.actor, {
      orgId: created.orgId,
      eventType: "create-identity",
      metadata: { identityId: created.id, name: created.name, role: created.role },
    });
    return created;
  });
  return toIdentityDto(identity);
}

export async function getIdentity(ctx: AuthedContext, identityId: string) {
  const { identity } = await loadIdentityFor(ctx, identityId, "read");
  await recordAudit(ctx.db, ctx.meta, ctx.actor, {
    orgId: identity.orgId,
    eventType: "get-identity",
    metadata: { identityId },
  });
  return toIdentityDto(identity);
}

export async function listIdentities(ctx: AuthedContext, query: ListIdentitiesQuery) {
  const orgId = query.organizationId ?? (await defaultOrgOf(ctx));
  const role = orgId ? await actorRoleInOrg(ctx, orgId) : null;
  if (!orgId || role === null) throw notFound(messages.organizationNotFound(query.organizationId ?? "(none)"));
  assertRoleAllows(role, "read");
  const { identities, totalCount } = await data.listIdentities(ctx.db, {
    orgId,
    search: query.search,
    limit: query.limit,
    offset: query.offset,
  });
  return { identities: identities.map(toIdentityDto), totalCount };
}

export async function updateIdentity(ctx: AuthedContext, identityId: string, patch: UpdateIdentityBody) {
  const { actorRole } = await loadIdentityFor(ctx, identityId, "edit", "update");
  if (patch.role) assertWithinBoundary(patch.role, actorRole, "update");
  try {
    const updated = await ctx.db.$transaction(async (tx) => {
      const row = await data.updateIdentity(tx, identityId, patch);
      await recordAudit(tx, ctx.meta, ctx.actor, {
        orgId: row.orgId,
        eventType: "update-identity",
        metadata: { identityId, ...patch },
      });
      return row;
    });
    return toIdentityDto(updated);
  } catch (error) {
    if (data.isMissingRowError(error)) throw notFound(messages.identityNotFound(identityId));
    throw error;
  } finally {
    forgetIdentity(ctx, identityId);
  }
}

export async function deleteIdentity(ctx: AuthedContext, identityId: string) {
  const { identity } = await loadIdentityFor(ctx, identityId, "delete");
  const dto = toIdentityDto(identity);
  try {
    await ctx.db.$transaction(async (tx) => {
      if (!(await data.deleteIdentity(tx, identityId))) throw notFound(messages.identityNotFound(identityId));
      await recordAudit(tx, ctx.meta, ctx.actor, {
        orgId: identity.orgId,
        eventType: "delete-identity",
        metadata: { identityId, name: identity.name },
      });
    });
  } finally {
    forgetIdentity(ctx, identityId, { andItsTokens: true });
  }
  return dto;
}
