import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../client";
import { createTestDatabase } from "../testing";
import { insertAuditEvents } from "./audit";

describe.each(["pglite", "postgres"] as const)("insertAuditEvents on %s", (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(() => db.close());

  it("stores a batch in one statement, nulls and JSON intact", async () => {
    const org = await db.prisma.organization.create({ data: { name: "o" } });
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
});
