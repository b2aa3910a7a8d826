import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribeToChanges } from "../change-feed";
import type { Database } from "../client";
import { createTestDatabase } from "../testing";
import { createAccessTokenWithAudit } from "./access-tokens";
import { createIdentity, findIdentity, findIdentityForUpdate, listIdentities, parseIdentityMetadata, updateIdentity } from "./identities";

describe("parseIdentityMetadata", () => {
  it("returns typed entries", () => {
    expect(parseIdentityMetadata([{ id: "1", key: "team", value: "ci" }])).toEqual([{ id: "1", key: "team", value: "ci" }]);
    expect(parseIdentityMetadata([])).toEqual([]);
  });

  it.each([null, {}, "[]", [null], [{ key: "k", value: "v" }], [{ id: "1", key: "k", value: 1 }], [["1", "k", "v"]]])(
    "refuses %j",
    (value) => {
      expect(() => parseIdentityMetadata(value)).toThrow(TypeError);
    },
  );
});

describe.each(["pglite", "postgres"] as const)("identity data functions on %s", (kind) => {
  let db: Database;
  let orgId: string;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    orgId = (await db.prisma.organization.create({ data: { name: "o", slug: `o-${randomUUID()}` } })).id;
  });
  afterAll(() => db.close());

  const make = (
    name: string,
    role = "member",
    extra: { metadata?: { key: string; value: string }[]; hasDeleteProtection?: boolean } = {},
  ) =>
    createIdentity(db.prisma, {
      orgId,
      name,
      role,
      hasDeleteProtection: extra.hasDeleteProtection ?? false,
      metadata: extra.metadata ?? [],
    });

  it("stores metadata with an id per pair, in order, and replaces it as a whole", async () => {
    const created = await make("meta", "viewer", {
      metadata: [
        { key: "b", value: "2" },
        { key: "a", value: "1" },
      ],
      hasDeleteProtection: true,
    });
    expect(created).toMatchObject({
      name: "meta",
      role: "viewer",
      hasDeleteProtection: true,
      lastLoginAuthMethod: null,
      lastLoginTime: null,
      ociAuth: null,
    });
    expect(created.metadata.map(({ key, value }) => [key, value])).toEqual([
      ["b", "2"],
      ["a", "1"],
    ]);
    for (const entry of created.metadata) expect(entry.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await findIdentity(db.prisma, created.id)).toEqual(created);

    const updated = await updateIdentity(db.prisma, created.id, { metadata: [{ key: "c", value: "3" }] });
    expect(updated.metadata).toEqual([{ id: expect.any(String), key: "c", value: "3" }]);
    expect(updated.hasDeleteProtection).toBe(true);
    expect((await updateIdentity(db.prisma, created.id, { name: "meta-2" })).metadata).toEqual(updated.metadata);
  });

  it("findIdentityForUpdate reads the row inside a transaction, null when missing", async () => {
    const created = await make("locked");
    const [found, missing] = await db.prisma.$transaction(async (tx) => [
      await findIdentityForUpdate(tx, created.id),
      await findIdentityForUpdate(tx, randomUUID()),
    ]);
    expect(found).toEqual(created);
    expect(missing).toBeNull();
  });

  it("lists with filters: all of `filter`, one of `anyOf`; literal wildcards; ordering", async () => {
    const org = (await db.prisma.organization.create({ data: { name: "list", slug: `list-${randomUUID()}` } })).id;
    for (const [name, role] of [
      ["alpha", "admin"],
      ["Alpha_2", "member"],
      ["beta", "viewer"],
      ["gamma", "member"],
    ] as const) {
      await createIdentity(db.prisma, { orgId: org, name, role, hasDeleteProtection: false, metadata: [] });
    }
    const names = async (query: Partial<Parameters<typeof listIdentities>[1]>) =>
      (
        await listIdentities(db.prisma, { orgId: org, limit: 50, offset: 0, orderBy: { field: "name", direction: "asc" }, ...query })
      ).identities.map((i) => i.name);

    // (Names differing only in case sort by the database's collation: not asserted.)
    const lowerCase = { filter: { name: { in: ["alpha", "beta", "gamma"] } } };
    expect(await names(lowerCase)).toEqual(["alpha", "beta", "gamma"]);
    expect(await names({ ...lowerCase, orderBy: { field: "name", direction: "desc" } })).toEqual(["gamma", "beta", "alpha"]);
    expect((await names({ filter: { name: { contains: "ALPHA" } } })).sort()).toEqual(["Alpha_2", "alpha"]);
    expect(await names({ filter: { name: { contains: "_" } } })).toEqual(["Alpha_2"]);
    expect(await names({ filter: { name: { contains: "%" } } })).toEqual([]);
    expect(await names({ filter: { name: { equals: "alpha" } } })).toEqual(["alpha"]);
    expect(await names({ filter: { name: { in: ["beta", "gamma", "nope"] }, role: { equals: "member" } } })).toEqual(["gamma"]);
    expect(await names({ filter: { name: { contains: "a", equals: "beta" } } })).toEqual(["beta"]);
    expect(await names({ anyOf: [{ role: { equals: "admin" } }, { name: { equals: "beta" } }] })).toEqual(["alpha", "beta"]);
    expect(
      await names({ filter: { role: { in: ["member", "viewer"] } }, anyOf: [{ name: { contains: "a_" } }, { name: { equals: "beta" } }] }),
    ).toEqual(["Alpha_2", "beta"]);
    expect(await names({ anyOf: [] })).toHaveLength(4);
    const byRole = await listIdentities(db.prisma, { orgId: org, limit: 50, offset: 0, orderBy: { field: "role", direction: "desc" } });
    expect(byRole.identities.map((i) => i.role)).toEqual(["viewer", "member", "member", "admin"]);
    const page = await listIdentities(db.prisma, { orgId: org, filter: { role: { equals: "member" } }, limit: 1, offset: 1 });
    expect(page.totalCount).toBe(2);
    expect(page.identities).toHaveLength(1);
  });

  it("issuing a login token records the last login in the same statement, without announcing it", async () => {
    const identity = await make("logs-in");
    const heard: string[] = [];
    const feed = await subscribeToChanges(db, { onChange: (payload) => heard.push(payload), onReset: () => undefined });
    try {
      const before = Date.now();
      await createAccessTokenWithAudit(
        db.execute,
        {
          id: randomUUID(),
          identityId: identity.id,
          authMethod: "oci-auth",
          accessTokenTTL: 60,
          accessTokenMaxTTL: 60,
          accessTokenNumUsesLimit: 0,
          expiresAt: null,
        },
        {
          orgId,
          eventType: "login-identity-oci-auth",
          actorType: "identity",
          actorId: identity.id,
          actorName: identity.name,
          metadata: {},
          ipAddress: null,
          userAgent: null,
        },
      );
      const after = await findIdentity(db.prisma, identity.id);
      expect(after?.lastLoginAuthMethod).toBe("oci-auth");
      expect(after!.lastLoginTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(after?.updatedAt).toEqual(identity.updatedAt);
      expect(await db.prisma.auditEvent.count({ where: { actorId: identity.id } })).toBe(1);

      // A real change is still announced (the probe that proves the feed is listening).
      await updateIdentity(db.prisma, identity.id, { role: "viewer" });
      await expect.poll(() => heard).toContain(`identity:${identity.id}`);
      expect(heard).toEqual([`identity:${identity.id}`]);
    } finally {
      await feed.close();
    }
  });
});
