import { MAX_AUDIT_METADATA_BYTES, MAX_AUDIT_TEXT_LENGTH } from "@ociauth/schema";
import { describe, expect, it } from "vitest";
import { capAuditEvent, capAuditMetadata, capAuditText } from "./audit-payload-fns";

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
/** Identity metadata at the schema's maximum: 50 entries of 1020 characters. */
const bigMetadata = (fill: string) => Array.from({ length: 50 }, (_, i) => ({ id: `m${i}`, key: `key-${i}`, value: fill.repeat(1020) }));

describe("capAuditText", () => {
  it("keeps short texts, cuts long ones with a marker saying how long they were", () => {
    expect(capAuditText("short")).toBe("short");
    expect(capAuditText("x".repeat(MAX_AUDIT_TEXT_LENGTH))).toBe("x".repeat(MAX_AUDIT_TEXT_LENGTH));
    expect(capAuditText("x".repeat(5000))).toBe(`${"x".repeat(MAX_AUDIT_TEXT_LENGTH)}…[truncated: 5000 characters]`);
  });

  it("never cuts a surrogate pair in half", () => {
    const text = `${"x".repeat(MAX_AUDIT_TEXT_LENGTH - 1)}😀tail`;
    const cut = capAuditText(text);
    expect(cut.startsWith(`${"x".repeat(MAX_AUDIT_TEXT_LENGTH - 1)}…`)).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("capAuditMetadata", () => {
  it("leaves metadata within the limits unchanged", () => {
    const metadata = { identityId: "i1", changedFields: ["role"], before: { role: "member" }, after: { role: "viewer" } };
    expect(capAuditMetadata(metadata)).toEqual(metadata);
  });

  it("cuts long texts anywhere in the metadata", () => {
    const capped = capAuditMetadata({ name: "n".repeat(2000), nested: { list: [{ value: "v".repeat(3000) }] } }) as any;
    expect(capped.name).toBe(`${"n".repeat(MAX_AUDIT_TEXT_LENGTH)}…[truncated: 2000 characters]`);
    expect(capped.nested.list[0].value).toMatch(/…\[truncated: 3000 characters\]$/);
  });

  it("an identity update diff of maximal metadata: the big fields give way to markers, small changes stay", () => {
    const metadata = {
      identityId: "i1",
      name: "workload",
      changedFields: ["role", "metadata"],
      role: "viewer",
      metadata: bigMetadata("b"),
      before: { role: "member", metadata: bigMetadata("a") },
      after: { role: "viewer", metadata: bigMetadata("b") },
    };
    expect(bytes(metadata)).toBeGreaterThan(150_000);
    const capped = capAuditMetadata(metadata) as any;
    expect(bytes(capped)).toBeLessThanOrEqual(MAX_AUDIT_METADATA_BYTES);
    expect(capped).toMatchObject({ identityId: "i1", name: "workload", changedFields: ["role", "metadata"], role: "viewer" });
    expect(capped.before.role).toBe("member");
    expect(capped.after.role).toBe("viewer");
    expect(capped.before.metadata).toMatch(/^\[omitted: \d+ bytes\]$/);
    expect(capped.after.metadata).toMatch(/^\[omitted: \d+ bytes\]$/);
    expect(capped.metadata).toMatch(/^\[omitted: \d+ bytes\]$/);
  });

  it("escaped characters count at their JSON size: many short texts of control characters still fit", () => {
    const metadata = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "\u0001".repeat(1000)]));
    expect(bytes(metadata)).toBeGreaterThan(200_000);
    expect(bytes(capAuditMetadata(metadata))).toBeLessThanOrEqual(MAX_AUDIT_METADATA_BYTES);
  });

  it("more top-level fields than fit even as markers: one marker for the whole", () => {
    const metadata = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`field-${i}`, i]));
    expect(capAuditMetadata(metadata)).toEqual({ omitted: `[omitted: ${bytes(metadata)} bytes]` });
  });
});

describe("capAuditEvent", () => {
  it("caps the metadata and the user agent, keeps the rest", () => {
    const event = {
      orgId: "o1",
      eventType: "update-identity",
      actorType: "user",
      actorId: "u1",
      actorName: "admin@example.com",
      metadata: { name: "n".repeat(2000) },
      ipAddress: "10.0.0.1",
      userAgent: "u".repeat(1500),
    };
    const capped = capAuditEvent(event);
    expect(capped).toMatchObject({ orgId: "o1", eventType: "update-identity", actorName: "admin@example.com", ipAddress: "10.0.0.1" });
    expect((capped.metadata as any).name).toHaveLength(MAX_AUDIT_TEXT_LENGTH + "…[truncated: 2000 characters]".length);
    expect(capped.userAgent).toMatch(/…\[truncated: 1500 characters\]$/);
  });
});
