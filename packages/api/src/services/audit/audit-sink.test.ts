import type { AuditEventInput } from "@ociauth/db";
import { describe, expect, it } from "vitest";
import { AuditSink } from "./audit-sink";

const event = (eventType: string): AuditEventInput => ({
  orgId: null,
  eventType,
  actorType: "identity",
  actorId: null,
  actorName: null,
  metadata: {},
  ipAddress: null,
  userAgent: null,
});

describe("AuditSink.pending (the audit queue metric)", () => {
  it("counts events from record() until their batch is committed, including the batch being written", async () => {
    let commit: () => void = () => {};
    const statements: unknown[][] = [];
    const sink = new AuditSink((_sql, params) => {
      statements.push(params);
      return new Promise<never[]>((resolve) => (commit = () => resolve([])));
    });
    expect(sink.pending()).toBe(0);
    const recorded = [sink.record(event("a")), sink.record(event("b"))];
    expect(sink.pending()).toBe(2); // queued, batch not yet sent
    await new Promise((r) => setImmediate(r));
    expect(statements).toHaveLength(1); // one INSERT for both
    expect(sink.pending()).toBe(2); // in flight
    commit();
    await Promise.all(recorded);
    expect(sink.pending()).toBe(0);
  });

  it("a failed batch leaves nothing pending and rejects its callers", async () => {
    const sink = new AuditSink(() => Promise.reject(new Error("database gone")));
    await expect(sink.record(event("a"))).rejects.toThrow("database gone");
    expect(sink.pending()).toBe(0);
  });
});
