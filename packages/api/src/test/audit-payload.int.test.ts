import { MAX_AUDIT_METADATA_BYTES, MAX_AUDIT_TEXT_LENGTH } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userToken } from "./expect-helpers";
import { createTestApp, type TestApp } from "./harness";

/** Identity metadata at the schema's maximum: 50 pairs of 1020 characters (quotes, which JSON escapes). */
const maximalMetadata = (fill: string) => Array.from({ length: 50 }, (_, i) => ({ key: `key-${i}`, value: fill.repeat(1020) }));
const storedBytes = (metadata: unknown) => Buffer.byteLength(JSON.stringify(metadata));

describe("audit events are capped when written", () => {
  let app: TestApp;
  let orgId: string;
  let member: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ orgId } = await app.bootstrap());
    member = (await userToken(app, orgId, "member")).token;
  });
  afterAll(() => app.close());

  it("in the change's transaction (recordIn): a maximal identity update keeps its small changes, the big diff gives way to markers", async () => {
    const identityId = await app.createIdentity(member, orgId, "viewer", "planted");
    const update = await app.rest("PATCH", `/api/v1/identities/${identityId}`, {
      token: member,
      body: { role: "member", metadata: maximalMetadata('"') },
    });
    expect(update.status).toBe(200);
    const event = await app.db.auditEvent.findFirstOrThrow({
      where: { eventType: "update-identity", metadata: { path: ["identityId"], equals: identityId } },
    });
    const metadata = event.metadata as any;
    expect(storedBytes(metadata)).toBeLessThanOrEqual(MAX_AUDIT_METADATA_BYTES);
    expect(metadata).toMatchObject({
      identityId,
      changedFields: ["role", "metadata"],
      before: { role: "viewer" },
      after: { role: "member" },
    });
    expect(metadata.after.metadata).toMatch(/^\[omitted: \d+ bytes\]$/);
    // The identity itself keeps its metadata whole: only the audit copy is capped.
    const identity = await app.rest("GET", `/api/v1/identities/${identityId}`, { token: member });
    expect(identity.body.identity.metadata[0].value).toBe('"'.repeat(1020));
  });

  it("on its own (record): long texts are cut with a marker, the event stays within the limit", async () => {
    await app.rt.audit.record({
      orgId,
      eventType: "get-identity",
      actorType: "user",
      actorId: "recorded-alone",
      actorName: null,
      metadata: { note: "n".repeat(5000), list: Array.from({ length: 100 }, () => "x".repeat(900)) },
      ipAddress: null,
      userAgent: "agent ".repeat(400),
    });
    const event = await app.db.auditEvent.findFirstOrThrow({ where: { actorId: "recorded-alone" } });
    const metadata = event.metadata as any;
    expect(storedBytes(metadata)).toBeLessThanOrEqual(MAX_AUDIT_METADATA_BYTES);
    expect(metadata.note).toBe(`${"n".repeat(MAX_AUDIT_TEXT_LENGTH)}…[truncated: 5000 characters]`);
    expect(metadata.list).toMatch(/^\[omitted: \d+ bytes\]$/);
    expect(event.userAgent).toMatch(/…\[truncated: 2400 characters\]$/);
  });
});
