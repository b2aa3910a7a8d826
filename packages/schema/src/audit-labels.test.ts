import { describe, expect, it } from "vitest";
import { auditEventLabel, auditEventLabels, auditEventTypes, exportAuditEventsQuerySchema, listAuditEventsQuerySchema } from "./audit";
import { fail } from "./test-helpers";

describe("audit event labels", () => {
  it("every event type has its own label", () => {
    expect(Object.keys(auditEventLabels).sort()).toEqual([...auditEventTypes].sort());
    const labels = Object.values(auditEventLabels);
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) expect(label.trim()).toBe(label);
  });

  it("a type this version does not know reads as itself", () => {
    expect(auditEventLabel("update-identity")).toBe("Identity updated");
    expect(auditEventLabel("some-future-event")).toBe("some-future-event");
  });
});

describe("audit filters", () => {
  it("targetIdentityId must be a UUID; export format is csv (default) or jsonl", () => {
    expect(fail(listAuditEventsQuerySchema, { targetIdentityId: "nope" })).toEqual([
      { path: ["targetIdentityId"], message: "targetIdentityId must be a UUID" },
    ]);
    expect(exportAuditEventsQuerySchema.parse({}).format).toBe("csv");
    expect(fail(exportAuditEventsQuerySchema, { format: "xlsx" })).toEqual([{ path: ["format"], message: "format must be csv or jsonl" }]);
    expect(fail(exportAuditEventsQuerySchema, { limit: 5 })).toEqual([{ path: [], message: 'Unrecognized key: "limit"' }]);
  });
});
