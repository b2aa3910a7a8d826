import { describe, expect, it } from "vitest";
import { envSchema } from "../../core/config";
import { retentionCutoff, retentionSettings, seqBound } from "./audit-retention-fns";

const parse = (env: Record<string, string>) => envSchema.parse(env);

describe("audit retention settings", () => {
  it("keeps events forever when AUDIT_RETENTION_DAYS is unset or 0", () => {
    expect(retentionSettings(parse({}))).toBeNull();
    expect(retentionSettings(parse({ AUDIT_RETENTION_DAYS: "0" }))).toBeNull();
  });

  it("prunes hourly in batches of 2000 with a 50 ms pause by default", () => {
    expect(retentionSettings(parse({ AUDIT_RETENTION_DAYS: "90" }))).toEqual({
      days: 90,
      intervalMs: 3_600_000,
      batchSize: 2000,
      pauseMs: 50,
    });
    expect(
      retentionSettings(
        parse({
          AUDIT_RETENTION_DAYS: "1",
          AUDIT_RETENTION_INTERVAL_MINUTES: "5",
          AUDIT_RETENTION_BATCH_SIZE: "500",
          AUDIT_RETENTION_BATCH_PAUSE_MS: "0",
        }),
      ),
    ).toEqual({ days: 1, intervalMs: 300_000, batchSize: 500, pauseMs: 0 });
  });

  it.each([
    ["-1", "AUDIT_RETENTION_DAYS must be at least 0"],
    ["36501", "AUDIT_RETENTION_DAYS must be at most 36500 (100 years)"],
    ["1.5", "AUDIT_RETENTION_DAYS must be a whole number of days"],
    ["soon", "AUDIT_RETENTION_DAYS must be a number of days"],
  ])("refuses AUDIT_RETENTION_DAYS=%s", (value, message) => {
    const result = envSchema.safeParse({ AUDIT_RETENTION_DAYS: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([message]);
  });

  it("accepts the bounds 1 and 36500", () => {
    expect(retentionSettings(parse({ AUDIT_RETENTION_DAYS: "36500" }))?.days).toBe(36_500);
    expect(retentionSettings(parse({ AUDIT_RETENTION_DAYS: "1" }))?.days).toBe(1);
  });

  it("refuses batch knobs out of range", () => {
    expect(envSchema.safeParse({ AUDIT_RETENTION_BATCH_SIZE: "99" }).success).toBe(false);
    expect(envSchema.safeParse({ AUDIT_RETENTION_BATCH_SIZE: "50001" }).success).toBe(false);
    expect(envSchema.safeParse({ AUDIT_RETENTION_INTERVAL_MINUTES: "0" }).success).toBe(false);
    expect(envSchema.safeParse({ AUDIT_RETENTION_BATCH_PAUSE_MS: "-1" }).success).toBe(false);
  });
});

describe("audit retention cutoff", () => {
  it("is exactly the given number of 24-hour days before now, whatever the calendar", () => {
    const now = new Date("2026-03-30T12:00:00.000Z");
    expect(retentionCutoff(now, 1).toISOString()).toBe("2026-03-29T12:00:00.000Z");
    expect(retentionCutoff(now, 365).toISOString()).toBe("2025-03-30T12:00:00.000Z");
    expect(retentionCutoff(new Date("2024-03-01T00:00:00.000Z"), 1).toISOString()).toBe("2024-02-29T00:00:00.000Z");
  });

  it("turns the delivery floor into a bigint bound, null meaning no device", () => {
    expect(seqBound(null)).toBeNull();
    expect(seqBound(42)).toBe(42n);
    expect(seqBound(9_007_199_254_740_993n)).toBe(9_007_199_254_740_993n);
    expect(() => seqBound(1.5)).toThrow(/not a whole number/);
  });
});
