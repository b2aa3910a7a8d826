import type { DbClient } from "../client";

const organizationColumns = { id: true, name: true, slug: true, createdAt: true, updatedAt: true } as const;

export async function findOrganization(db: DbClient, id: string) {
  return db.organization.findUnique({ where: { id }, select: organizationColumns });
}

export async function findOrganizationIdBySlug(db: DbClient, slug: string): Promise<string | null> {
  return (await db.organization.findUnique({ where: { slug }, select: { id: true } }))?.id ?? null;
}

/** The slugs taken among `base` and `base-…` (to pick a free suffix for a derived slug). */
export async function listSlugsLike(db: DbClient, base: string): Promise<string[]> {
  const rows = await db.organization.findMany({
    where: { OR: [{ slug: base }, { slug: { startsWith: `${base}-` } }] },
    select: { slug: true },
  });
  return rows.map((row) => row.slug);
}

/** A new organization with `userId` as its admin. A taken slug fails on the unique index (isUniqueViolation). */
export async function createOrganizationWithAdmin(db: DbClient, input: { name: string; slug: string; userId: string }) {
  const organization = await db.organization.create({ data: { name: input.name, slug: input.slug }, select: organizationColumns });
  await db.orgMembership.create({ data: { orgId: organization.id, userId: input.userId, role: "admin" } });
  return organization;
}

/** The organizations a user belongs to with their role, in the order they joined. */
export async function listOrganizationsOfUser(db: DbClient, userId: string) {
  const memberships = await db.orgMembership.findMany({
    where: { userId },
    orderBy: [{ createdAt: "asc" }, { orgId: "asc" }],
    select: { role: true, org: { select: organizationColumns } },
  });
  return memberships.map(({ role, org }) => ({ ...org, role }));
}

/** Renames and/or re-slugs; null when the organization is gone. A taken slug fails on the unique index. */
export async function updateOrganization(db: DbClient, id: string, patch: { name?: string; slug?: string }) {
  const rows = await db.organization.updateManyAndReturn({ where: { id }, data: patch, select: organizationColumns });
  return rows[0] ?? null;
}
