import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../client";
import { createTestDatabase } from "../testing";
import { auditEventPages, countAuditEvents, insertAuditEvents, listAuditEvents } from "./audit";

describe.each(["pglite", "postgres"] as const)("insertAuditEvents on %s", (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(() => db.close());

  it("stores a batch in one statement, nulls and JSON intact", async () => {
    const org = await db.prisma.organization.create({ data: { name: "o", slug: `o-${randomUUID()}` } });
    await insertAuditEvents(db.execute, [
      {
        orgId: org.id,
        eventType: "a",
        actorType: "user",
        actorId: "u1",
        actorName: "x@y.z",
        metadata: { n: 1, s: 'it\'s "quoted"', nested: { k: [1, null] } },
        ipAddress: "127.0.0.1",
        userAgent: "ua",
      },
      {
        orgId: null,
        eventType: "b",
        actorType: "anonymous",
        actorId: null,
        actorName: null,
        metadata: {},
        ipAddress: null,
        userAgent: null,
      },
    ]);
    const rows = await db.prisma.auditEvent.findMany({ orderBy: { eventType: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      orgId: org.id,
      eventType: "a",
      actorName: "x@y.z",
      metadata: { n: 1, s: 'it\'s "quoted"', nested: { k: [1, null] } },
      ipAddress: "127.0.0.1",
    });
    expect(rows[1]).toMatchObject({ orgId: null, eventType: "b", actorId: null, metadata: {}, userAgent: null });
    expect(rows[0]!.id).not.toBe(rows[1]!.id);
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
  });

  it("auditEventPages pages through every match once, newest first, also across equal timestamps; filters by target identity", async () => {
    const org = await db.prisma.organization.create({ data: { name: "paged", slug: `paged-${randomUUID()}` } });
    const at = new Date("2026-12-01T00:00:00.000Z");
    const target = "2ad9bace-4fec-4c2d-9734-a0cfbc226a00";
    // Seven events, five sharing one instant, two about the target identity.
    for (let i = 0; i < 7; i++) {
      await db.prisma.auditEvent.create({
        data: {
          orgId: org.id,
          eventType: "get-identity",
          actorType: "user",
          metadata: i % 3 === 0 ? { identityId: target, n: i } : { n: i },
          createdAt: i < 5 ? at : new Date(at.getTime() + i * 1000),
        },
      });
    }
    const seen = [];
    const pageSizes = [];
    for await (const page of auditEventPages(db.prisma, { orgId: org.id }, 2)) {
      pageSizes.push(page.length);
      seen.push(...page);
    }
    expect(pageSizes).toEqual([2, 2, 2, 1]);
    const listed = await listAuditEvents(db.prisma, { orgId: org.id, limit: 100, offset: 0 });
    expect(seen.map((e) => e.id)).toEqual(listed.events.map((e) => e.id));
    expect(new Set(seen.map((e) => e.id)).size).toBe(7);

    const about = [];
    for await (const page of auditEventPages(db.prisma, { orgId: org.id, targetIdentityId: target }, 1)) about.push(...page);
    expect(about.map((e) => (e.metadata as { n: number }).n).sort()).toEqual([0, 3, 6]);
    expect(await countAuditEvents(db.prisma, { orgId: org.id, targetIdentityId: target })).toBe(3);
  });
});
