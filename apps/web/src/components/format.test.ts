import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration, formatTrustedIp, formatUses } from "./format";

describe("formatDuration (TTL previews)", () => {
  it("reads like a person would say it", () => {
    expect(formatDuration(2_592_000)).toBe("30 days");
    expect(formatDuration(3600)).toBe("1 hour");
    expect(formatDuration(86_400)).toBe("1 day");
    expect(formatDuration(90_061)).toBe("1 day 1 hour 1 minute");
    expect(formatDuration(315_360_000)).toBe("10 years");
    expect(formatDuration(1)).toBe("1 second");
    expect(formatDuration(0)).toBe("0 seconds");
  });

  it("is empty for what is not a duration", () => {
    expect(formatDuration(-1)).toBe("");
    expect(formatDuration(Number.NaN)).toBe("");
  });
});

describe("formatters", () => {
  it("shows times in UTC, the same on the server and in every browser", () => {
    expect(formatDateTime("2026-11-27T18:10:27.490Z")).toBe("27 Nov 2026, 18:10 UTC");
    expect(formatDateTime(null)).toBe("—");
  });

  it("writes trusted IPs back in CIDR notation", () => {
    expect(formatTrustedIp({ ipAddress: "0.0.0.0", type: "ipv4", prefix: 0 })).toBe("0.0.0.0/0");
    expect(formatTrustedIp({ ipAddress: "2001:db8::1", type: "ipv6" })).toBe("2001:db8::1");
  });

  it("shows uses against the limit", () => {
    expect(formatUses(3, 0)).toBe("3 (unlimited)");
    expect(formatUses(3, 10)).toBe("3 / 10");
  });
});
