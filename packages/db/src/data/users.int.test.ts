import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../client";
import { createTestDatabase } from "../testing";
import { createUserInOrganization, createUserSession } from "./accounts";
import { countOrganizationAdmins, listOrganizationUsers, lockOrganization, removeMembership, revokeSessionsOfUser } from "./users";

describe.each(["pglite", "postgres"] as const)("user data functions on %s", (kind) => {
  let db: Database;
  let orgId: string;
  let otherOrgId: string;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    orgId = (await db.prisma.organization.create({ data: { name: "o", slug: `o-${randomUUID()}` } })).id;
    otherOrgId = (await db.prisma.organization.create({ data: { name: "other", slug: `other-${randomUUID()}` } })).id;
  });
  afterAll(() => db.close());

  const addUser = (email: string, role: string, org = orgId) =>
    createUserInOrganization(db.prisma, { email, passwordHash: "x", orgId: org, role });

  it("lists an organization's users with their role, oldest first, and counts its admins", async () => {
    const a = await addUser("a@example.com", "admin");
    const b = await addUser("b@example.com", "viewer");
    await addUser("elsewhere@example.com", "admin", otherOrgId);
    const list = await listOrganizationUsers(db.prisma, orgId, { skip: 0, take: 10 });
    expect(list.map((u) => [u.id, u.email, u.role])).toEqual([
      [a.user.id, "a@example.com", "admin"],
      [b.user.id, "b@example.com", "viewer"],
    ]);
    expect((await listOrganizationUsers(db.prisma, orgId, { skip: 1, take: 10 })).map((u) => u.id)).toEqual([b.user.id]);
    expect((await listOrganizationUsers(db.prisma, orgId, { skip: 0, take: 1 })).map((u) => u.id)).toEqual([a.user.id]);
    expect(await countOrganizationAdmins(db.prisma, orgId)).toBe(1);
  });

  it("lockOrganization says whether the organization exists", async () => {
    expect(await db.prisma.$transaction((tx) => lockOrganization(tx, orgId))).toBe(true);
    expect(await db.prisma.$transaction((tx) => lockOrganization(tx, "00000000-0000-4000-8000-000000000000"))).toBe(false);
  });

  it("removeMembership deletes a user left in no organization, and keeps one still in another", async () => {
    const only = await addUser("only@example.com", "member");
    expect(await removeMembership(db.prisma, orgId, only.user.id)).toEqual({ userDeleted: true });
    expect(await db.prisma.user.findUnique({ where: { id: only.user.id } })).toBeNull();

    const both = await addUser("both@example.com", "member");
    await db.prisma.orgMembership.create({ data: { orgId: otherOrgId, userId: both.user.id, role: "viewer" } });
    expect(await removeMembership(db.prisma, orgId, both.user.id)).toEqual({ userDeleted: false });
    expect(await db.prisma.user.findUnique({ where: { id: both.user.id } })).not.toBeNull();
  });

  it("revokeSessionsOfUser ends live sessions, optionally but one, and counts them", async () => {
    const { user } = await addUser("sessions@example.com", "viewer");
    const later = new Date(Date.now() + 3600_000);
    const [s1, s2, s3] = [
      await createUserSession(db.prisma, user.id, later),
      await createUserSession(db.prisma, user.id, later),
      await createUserSession(db.prisma, user.id, later),
    ];
    expect(await revokeSessionsOfUser(db.prisma, user.id, s1.id)).toBe(2);
    const revoked = async (id: string) => (await db.prisma.userSession.findUniqueOrThrow({ where: { id } })).revokedAt !== null;
    expect([await revoked(s1.id), await revoked(s2.id), await revoked(s3.id)]).toEqual([false, true, true]);
    expect(await revokeSessionsOfUser(db.prisma, user.id)).toBe(1);
    expect(await revokeSessionsOfUser(db.prisma, user.id)).toBe(0);
  });
});
