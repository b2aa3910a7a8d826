import { describe, expect, it } from "vitest";
import { auditDiff } from "./audit-diff";

describe("auditDiff", () => {
  it("keeps only the fields that changed, old and new side by side", () => {
    expect(auditDiff({ a: 1, b: "x", c: [1, 2] }, { a: 1, b: "y", c: [1, 2] })).toEqual({
      changedFields: ["b"],
      before: { b: "x" },
      after: { b: "y" },
    });
  });

  it("compares arrays and objects by value, and treats missing as null", () => {
    const diff = auditDiff<Record<string, unknown>>(
      { ips: [{ ipAddress: "10.0.0.1" }], names: null },
      { ips: [{ ipAddress: "10.0.0.2" }], names: "a" },
    );
    expect(diff.changedFields).toEqual(["ips", "names"]);
    expect(diff.before).toEqual({ ips: [{ ipAddress: "10.0.0.1" }], names: null });
    expect(diff.after).toEqual({ ips: [{ ipAddress: "10.0.0.2" }], names: "a" });
    expect(auditDiff({ a: null }, { a: undefined }).changedFields).toEqual([]);
  });
});
