import { findMembership, type IdentityWithOciAuth, listMembershipsOfUser } from "@ociauth/db";
import { messages, orgRoleSchema, type OrgRole } from "@ociauth/schema";
import type { AuthedContext } from "../../core/context";
import { AppError, notFound } from "../../core/errors";
import { loadIdentityState } from "./identity-state";
import { type IdentityAction, isMorePrivileged, roleAllows } from "@ociauth/schema";

/** The actor's role in an organization, or null when it is not a member (the org stays hidden). */
export async function actorRoleInOrg(ctx: AuthedContext, orgId: string): Promise<OrgRole | null> {
  const { actor } = ctx;
  if (actor.type === "identity") return actor.orgId === orgId ? actor.role : null;
  const membership = await findMembership(ctx.db, actor.userId, orgId);
  if (!membership) return null;
  return storedRole(membership.role);
}

/** The organization an actor works in when a request names none: its own (identity) or its first (user). */
export async function defaultOrgOf(ctx: AuthedContext): Promise<string | null> {
  if (ctx.actor.type === "identity") return ctx.actor.orgId;
  const memberships = await listMembershipsOfUser(ctx.db, ctx.actor.userId);
  return memberships[0]?.orgId ?? null;
}

/** A membership's stored role; one this version does not know grants nothing. */
export function storedRole(role: string): OrgRole {
  const parsed = orgRoleSchema.safeParse(role);
  return parsed.success ? parsed.data : "no-access";
}

export function assertRoleAllows(role: OrgRole, action: IdentityAction) {
  if (!roleAllows(role, action)) {
    throw new AppError("PERMISSION_DENIED", `You are not allowed to ${action} on identity`, [
      { action, subject: "identity", inverted: false, conditions: null },
    ]);
  }
}

export function assertWithinBoundary(target: OrgRole, actor: OrgRole, operation: string) {
  if (isMorePrivileged(target, actor)) {
    throw new AppError("PERMISSION_BOUNDARY", `Failed to ${operation} identity with more privileged role`, {
      missingPermissions: [{ action: operation, subject: "identity" }],
    });
  }
}

/**
 * Loads an identity the actor may act on: unknown or in another organization → 404 (existence is
 * not revealed); role too low → 403 PermissionDenied; target more privileged → 403 boundary.
 */
export async function loadIdentityFor(
  ctx: AuthedContext,
  identityId: string,
  action: IdentityAction,
  operation: string = action,
): Promise<{ identity: IdentityWithOciAuth; actorRole: OrgRole }> {
  const identity = (await loadIdentityState(ctx, identityId))?.identity;
  const actorRole = identity ? await actorRoleInOrg(ctx, identity.orgId) : null;
  if (!identity || actorRole === null) throw notFound(messages.identityNotFound(identityId));
  assertRoleAllows(actorRole, action);
  const targetRole = orgRoleSchema.safeParse(identity.role);
  if (action !== "read") assertWithinBoundary(targetRole.success ? targetRole.data : "admin", actorRole, operation);
  return { identity, actorRole };
}
