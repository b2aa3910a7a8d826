import { budgetedPage } from "../pages/page-budget-fns";
import * as data from "@ociauth/db";
import {
  type AddOrgUserInput,
  type ChangeOwnPasswordBody,
  messages,
  type OrgRole,
  type OrgUserParams,
  type ListOrgUsersInput,
  MAX_LISTED_USERS,
  type ResetUserPasswordInput,
  type UpdateOrgUserRoleInput,
  type UserAction,
} from "@ociauth/schema";
import type { Actor, AuthedContext } from "../../core/context";
import { AppError, badRequest, forbidden, notFound, unauthorized } from "../../core/errors";
import { auditEvent } from "../audit/audit-service";
import { hashPassword, verifyPassword } from "../auth/passwords";
import { storedRole } from "../auth/permissions";
import { clearPasswordBackoff } from "../rate-limit/login-backoff-service";
import { enforceRateLimit } from "../rate-limit/rate-limit-service";
import { write } from "../writes";
import { takesAwayLastAdmin, userActionRefusal } from "./user-fns";

/*
 * Dashboard sessions are not cached: every request reads its session row (and the user's
 * membership for the role) from the database. So revoking sessions, removing a membership or
 * changing a role in one transaction holds on every instance from the next request on; unlike
 * identities and tokens, there is no cached copy for the change feed to evict.
 */

/** The actor's role in the organization, read with `db` (inside a transaction: after the organization's lock). */
async function roleIn(db: data.DbClient, actor: Actor, orgId: string): Promise<OrgRole | null> {
  if (actor.type === "identity") return actor.orgId === orgId ? actor.role : null;
  const membership = await data.findMembership(db, actor.userId, orgId);
  return membership ? storedRole(membership.role) : null;
}

/** The actor's role, or 404 for an organization it does not belong to (its existence stays hidden). */
async function requireRole(db: data.DbClient, actor: Actor, orgId: string): Promise<OrgRole> {
  const role = await roleIn(db, actor, orgId);
  if (role === null) throw notFound(messages.organizationNotFound(orgId));
  return role;
}

function assertAllowed(actor: Actor, actorRole: OrgRole, action: UserAction, targetRole: OrgRole | null, newRole: OrgRole | null = null) {
  const refusal = userActionRefusal(actorRole, action, targetRole, newRole, actor.type);
  if (refusal === "machine") throw forbidden(messages.machineManagesHumans);
  if (refusal === "role") {
    throw new AppError("PERMISSION_DENIED", messages.userActionDenied(action), [
      { action, subject: "user", inverted: false, conditions: null },
    ]);
  }
  if (refusal === "boundary") {
    throw new AppError("PERMISSION_BOUNDARY", messages.userBoundary(action), { missingPermissions: [{ action, subject: "user" }] });
  }
}

/** Locks the organization, then checks the actor and loads the target user (404 when not a member). */
async function lockAndLoad(tx: data.DbTransaction, ctx: AuthedContext, { organizationId, userId }: OrgUserParams, action: UserAction) {
  await data.lockOrganization(tx, organizationId);
  const actorRole = await requireRole(tx, ctx.actor, organizationId);
  assertAllowed(ctx.actor, actorRole, action, null);
  const target = await data.findOrganizationUser(tx, organizationId, userId);
  if (!target) throw notFound(messages.userNotFound(userId));
  return { actorRole, target, targetRole: storedRole(target.role) };
}

const isSelf = (actor: Actor, userId: string) => actor.type === "user" && actor.userId === userId;

/** A page of the organization's users (oldest first): MAX_LISTED_USERS at most, cut by the page byte budget. */
export async function listOrgUsers(ctx: AuthedContext, { organizationId, offset }: ListOrgUsersInput) {
  assertAllowed(ctx.actor, await requireRole(ctx.db, ctx.actor, organizationId), "read", null);
  // One more than a page: whether a next page exists.
  const users = await data.listOrganizationUsers(ctx.db, organizationId, { skip: offset, take: MAX_LISTED_USERS + 1 });
  const dtos = users.map((u) => ({ id: u.id, email: u.email, role: storedRole(u.role), createdAt: u.createdAt.toISOString() }));
  const { rows, ...page } = budgetedPage(dtos, { offset, limit: MAX_LISTED_USERS, total: offset + dtos.length });
  return { users: rows, ...page };
}

/** Adds a new user with a role; like identities, nobody gives a role above their own. */
export async function addOrgUser(ctx: AuthedContext, { organizationId, ...body }: AddOrgUserInput) {
  assertAllowed(ctx.actor, await requireRole(ctx.db, ctx.actor, organizationId), "add", null, body.role);
  const passwordHash = await hashPassword(body.password);
  try {
    return await write(ctx, {}, async (tx) => {
      const { user, membership } = await data.createUserInOrganization(tx, {
        email: body.email,
        passwordHash,
        orgId: organizationId,
        role: body.role,
      });
      await ctx.rt.audit.recordIn(
        tx,
        auditEvent(ctx, {
          orgId: organizationId,
          eventType: "add-org-user",
          metadata: { userId: user.id, email: user.email, role: body.role },
        }),
      );
      return { user: { id: user.id, email: user.email, role: storedRole(membership.role) } };
    });
  } catch (error) {
    if (data.isUniqueViolation(error)) throw badRequest(messages.userEmailTaken);
    throw error;
  }
}

export async function updateOrgUserRole(ctx: AuthedContext, { role, ...params }: UpdateOrgUserRoleInput) {
  return write(ctx, {}, async (tx) => {
    const { actorRole, target, targetRole } = await lockAndLoad(tx, ctx, params, "edit");
    assertAllowed(ctx.actor, actorRole, "edit", targetRole, role);
    if (takesAwayLastAdmin(targetRole, role, await data.countOrganizationAdmins(tx, params.organizationId)))
      throw badRequest(messages.lastAdmin);
    if (role !== targetRole) {
      await data.setMembershipRole(tx, params.organizationId, target.id, role);
      await ctx.rt.audit.recordIn(
        tx,
        auditEvent(ctx, {
          orgId: params.organizationId,
          eventType: "update-org-user-role",
          metadata: { userId: target.id, email: target.email, previousRole: targetRole, role },
        }),
      );
    }
    return { user: { id: target.id, email: target.email, role } };
  });
}

/** Takes a user out of the organization and ends their sessions at once (a user left in no organization is deleted). */
export async function removeOrgUser(ctx: AuthedContext, params: OrgUserParams) {
  return write(ctx, {}, async (tx) => {
    const { actorRole, target, targetRole } = await lockAndLoad(tx, ctx, params, "remove");
    assertAllowed(ctx.actor, actorRole, "remove", targetRole);
    if (takesAwayLastAdmin(targetRole, null, await data.countOrganizationAdmins(tx, params.organizationId)))
      throw badRequest(messages.lastAdmin);
    const revokedSessions = await data.revokeSessionsOfUser(tx, target.id);
    const { userDeleted } = await data.removeMembership(tx, params.organizationId, target.id);
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: params.organizationId,
        eventType: "remove-org-user",
        metadata: { userId: target.id, email: target.email, role: targetRole, revokedSessions, userDeleted },
      }),
    );
    return { user: { id: target.id, email: target.email, role: targetRole } };
  });
}

/** An admin sets another user's password; that user's sessions end (they sign in with the new one). */
export async function resetUserPassword(ctx: AuthedContext, { newPassword, ...params }: ResetUserPasswordInput) {
  if (isSelf(ctx.actor, params.userId)) {
    // Checked once the caller is known to be in the organization, so the hint reveals nothing.
    await requireRole(ctx.db, ctx.actor, params.organizationId);
    throw badRequest(messages.resetOwnPassword);
  }
  const passwordHash = await hashPassword(newPassword);
  return write(ctx, {}, async (tx) => {
    const { actorRole, target, targetRole } = await lockAndLoad(tx, ctx, params, "reset-password");
    assertAllowed(ctx.actor, actorRole, "reset-password", targetRole);
    await data.setUserPasswordHash(tx, target.id, passwordHash);
    const revokedSessions = await data.revokeSessionsOfUser(tx, target.id);
    await clearPasswordBackoff(tx, target.email); // the user signs in with the new password at once
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: params.organizationId,
        eventType: "reset-user-password",
        metadata: { userId: target.id, email: target.email, revokedSessions },
      }),
    );
    return { ok: true as const };
  });
}

/**
 * An admin clears a user's password-login back-off (see login-backoff-service.ts): their next
 * sign-in is not delayed. Attempts made afterwards are counted afresh.
 */
export async function unlockOrgUser(ctx: AuthedContext, params: OrgUserParams) {
  return write(ctx, {}, async (tx) => {
    const { actorRole, target, targetRole } = await lockAndLoad(tx, ctx, params, "unlock");
    assertAllowed(ctx.actor, actorRole, "unlock", targetRole);
    const cleared = await clearPasswordBackoff(tx, target.email);
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, {
        orgId: params.organizationId,
        eventType: "unlock-org-user",
        metadata: { userId: target.id, email: target.email, cleared },
      }),
    );
    return { ok: true as const };
  });
}

/**
 * A signed-in user changes their own password with the current one; their other sessions end,
 * the one making the change stays. Machine identities have no password (403).
 */
export async function changeOwnPassword(ctx: AuthedContext, body: ChangeOwnPasswordBody) {
  const { actor } = ctx;
  if (actor.type !== "user") throw forbidden(messages.passwordChangeNeedsUser);
  // Guessing the current password with a stolen session is guessing a login: the same budget.
  await enforceRateLimit(ctx, "login-ip", ctx.meta.ip);
  const user = await data.findUserById(ctx.db, actor.userId);
  if (!user) throw unauthorized(messages.tokenRevoked);
  if (!(await verifyPassword(body.currentPassword, user.passwordHash))) throw badRequest(messages.currentPasswordWrong);
  const passwordHash = await hashPassword(body.newPassword);
  const orgId = (await data.listMembershipsOfUser(ctx.db, user.id))[0]?.orgId ?? null;
  return write(ctx, {}, async (tx) => {
    await data.setUserPasswordHash(tx, user.id, passwordHash);
    const revokedSessions = await data.revokeSessionsOfUser(tx, user.id, actor.sessionId);
    await ctx.rt.audit.recordIn(
      tx,
      auditEvent(ctx, { orgId, eventType: "change-own-password", metadata: { userId: user.id, revokedSessions } }),
    );
    return { ok: true as const };
  });
}
