import type { DbClient } from "../client";

/** The users (dashboard operators) of an organization with their role, oldest first. */
/** The users of an organization with their roles, oldest first: `take` of them from `skip`. */
export async function listOrganizationUsers(db: DbClient, orgId: string, { skip, take }: { skip: number; take: number }) {
  const memberships = await db.orgMembership.findMany({
    where: { orgId },
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
    skip,
    take,
    include: { user: { select: { id: true, email: true, createdAt: true } } },
  });
  return memberships.map((m) => ({ id: m.user.id, email: m.user.email, role: m.role, createdAt: m.user.createdAt }));
}

/** One user of an organization with their role, or null when they are not a member. */
export async function findOrganizationUser(db: DbClient, orgId: string, userId: string) {
  const membership = await db.orgMembership.findUnique({
    where: { orgId_userId: { orgId, userId } },
    include: { user: { select: { id: true, email: true, passwordHash: true } } },
  });
  return membership
    ? { id: membership.user.id, email: membership.user.email, passwordHash: membership.user.passwordHash, role: membership.role }
    : null;
}

/**
 * Takes the organization's row lock until the transaction ends, so concurrent changes to its
 * users (two admins demoting each other) run one after the other and the last-admin rule holds.
 */
export async function lockOrganization(db: DbClient, orgId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT "id" FROM "organizations" WHERE "id" = ${orgId}::uuid FOR UPDATE`;
  return rows.length === 1;
}

export async function countOrganizationAdmins(db: DbClient, orgId: string): Promise<number> {
  return db.orgMembership.count({ where: { orgId, role: "admin" } });
}

export async function setMembershipRole(db: DbClient, orgId: string, userId: string, role: string) {
  await db.orgMembership.update({ where: { orgId_userId: { orgId, userId } }, data: { role } });
}

/**
 * Takes a user out of an organization. A user left without any organization is deleted (their
 * sessions with them), so the email can be added again later.
 */
export async function removeMembership(db: DbClient, orgId: string, userId: string): Promise<{ userDeleted: boolean }> {
  await db.orgMembership.delete({ where: { orgId_userId: { orgId, userId } } });
  if ((await db.orgMembership.count({ where: { userId } })) > 0) return { userDeleted: false };
  await db.user.delete({ where: { id: userId } });
  return { userDeleted: true };
}

export async function setUserPasswordHash(db: DbClient, userId: string, passwordHash: string) {
  await db.user.update({ where: { id: userId }, data: { passwordHash } });
}

/** Ends every live session of a user (but `exceptSessionId`, the caller's own); returns how many. */
export async function revokeSessionsOfUser(db: DbClient, userId: string, exceptSessionId?: string): Promise<number> {
  const { count } = await db.userSession.updateMany({
    where: { userId, revokedAt: null, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
    data: { revokedAt: new Date() },
  });
  return count;
}
