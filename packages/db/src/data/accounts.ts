import type { DbClient } from "../client";

export const BOOTSTRAP_MARKER_KEY = "bootstrapped-at";

export async function countUsers(db: DbClient): Promise<number> {
  return db.user.count();
}

/**
 * Creates the first user, the organization, the admin membership and an admin machine identity
 * (delete-protected) with a non-expiring token row, all in one transaction. The bootstrap marker's primary key makes
 * a concurrent second bootstrap fail with a unique violation.
 */
export async function createInstanceOwner(
  db: DbClient,
  input: {
    email: string;
    passwordHash: string;
    organizationName: string;
    organizationSlug: string;
    identityName: string;
    signingKeyId: string | null;
  },
) {
  await db.instanceSetting.create({ data: { key: BOOTSTRAP_MARKER_KEY, value: new Date().toISOString() } });
  const user = await db.user.create({ data: { email: input.email, passwordHash: input.passwordHash } });
  const organization = await db.organization.create({ data: { name: input.organizationName, slug: input.organizationSlug } });
  await db.orgMembership.create({ data: { orgId: organization.id, userId: user.id, role: "admin" } });
  const identity = await db.identity.create({
    data: { orgId: organization.id, name: input.identityName, role: "admin", hasDeleteProtection: true },
  });
  const token = await db.identityAccessToken.create({
    data: { identityId: identity.id, authMethod: "token", accessTokenTTL: 0, accessTokenMaxTTL: 0, signingKeyId: input.signingKeyId },
  });
  return { user, organization, identity, token };
}

export async function findUserByEmail(db: DbClient, email: string) {
  return db.user.findUnique({ where: { email } });
}

export async function findUserById(db: DbClient, id: string) {
  return db.user.findUnique({ where: { id } });
}

export async function findMembership(db: DbClient, userId: string, orgId: string) {
  return db.orgMembership.findUnique({ where: { orgId_userId: { orgId, userId } } });
}

export async function listMembershipsOfUser(db: DbClient, userId: string) {
  return db.orgMembership.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
}

export async function createUserInOrganization(db: DbClient, input: { email: string; passwordHash: string; orgId: string; role: string }) {
  const user = await db.user.create({ data: { email: input.email, passwordHash: input.passwordHash } });
  const membership = await db.orgMembership.create({ data: { orgId: input.orgId, userId: user.id, role: input.role } });
  return { user, membership };
}

export async function createUserSession(db: DbClient, userId: string, expiresAt: Date, signingKeyId: string | null = null) {
  return db.userSession.create({ data: { userId, expiresAt, signingKeyId } });
}

export async function findUserSession(db: DbClient, id: string) {
  return db.userSession.findUnique({ where: { id } });
}

export async function revokeUserSession(db: DbClient, id: string) {
  await db.userSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
}
