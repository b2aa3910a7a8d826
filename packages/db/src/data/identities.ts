import type { DbClient } from "../client";

const withAuthMethods = { ociAuth: { select: { id: true } } } as const;

export async function createIdentity(db: DbClient, input: { orgId: string; name: string; role: string }) {
  return db.identity.create({ data: input, include: withAuthMethods });
}

export async function findIdentity(db: DbClient, id: string) {
  return db.identity.findUnique({ where: { id }, include: withAuthMethods });
}

export async function listIdentities(
  db: DbClient,
  query: { orgId: string; search?: string; limit: number; offset: number },
) {
  const where = {
    orgId: query.orgId,
    // LIKE wildcards in the search are literal characters.
    ...(query.search ? { name: { contains: query.search.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" as const } } : {}),
  };
  const [identities, totalCount] = await Promise.all([
    db.identity.findMany({
      where,
      include: withAuthMethods,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      take: query.limit,
      skip: query.offset,
    }),
    db.identity.count({ where }),
  ]);
  return { identities, totalCount };
}

export async function updateIdentity(db: DbClient, id: string, patch: { name?: string; role?: string }) {
  return db.identity.update({ where: { id }, data: patch, include: withAuthMethods });
}

/** Deletes the identity; its OCI auth config and tokens go with it (ON DELETE CASCADE). */
export async function deleteIdentity(db: DbClient, id: string) {
  const rows = await db.identity.deleteMany({ where: { id } });
  return rows.count > 0;
}

export type IdentityRow = NonNullable<Awaited<ReturnType<typeof findIdentity>>>;

/** The identity with its full OCI auth config (or null): what authentication and reads need. */
export async function findIdentityWithOciAuth(db: DbClient, id: string) {
  return db.identity.findUnique({ where: { id }, include: { ociAuth: true } });
}

export type IdentityWithOciAuth = NonNullable<Awaited<ReturnType<typeof findIdentityWithOciAuth>>>;
