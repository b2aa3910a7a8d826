import { describe, expect, it } from "vitest";
import { formatIpv6, ipRateLimitSubject } from "./ip-subject";

describe("ipRateLimitSubject", () => {
  it("keeps IPv4 and unknown callers as they are", () => {
    expect(ipRateLimitSubject("192.0.2.7")).toBe("192.0.2.7");
    expect(ipRateLimitSubject(null)).toBeNull();
    expect(ipRateLimitSubject("")).toBeNull();
    expect(ipRateLimitSubject("not-an-address")).toBe("not-an-address");
  });

  it("an IPv4-mapped IPv6 address, in any spelling, is its IPv4 address", () => {
    for (const spelling of [
      "::ffff:192.0.2.7",
      "::FFFF:192.0.2.7",
      "0:0:0:0:0:ffff:c000:207",
      "0000:0000:0000:0000:0000:FFFF:C000:0207",
      "[::ffff:192.0.2.7]",
    ]) {
      expect(ipRateLimitSubject(spelling)).toBe("192.0.2.7");
    }
  });

  it("every spelling and every address of one IPv6 /64 is one subject, zone ids dropped", () => {
    const spellings = [
      "2001:db8:abcd:12::1",
      "2001:0DB8:ABCD:0012:0000:0000:0000:0001",
      "2001:db8:abcd:12:ffff:ffff:ffff:ffff",
      "2001:db8:abcd:12:1:2:3:4",
      "2001:db8:abcd:12::192.0.2.1",
      "[2001:db8:abcd:12::99]",
      "2001:db8:abcd:12::5%eth0",
    ];
    for (const spelling of spellings) expect(ipRateLimitSubject(spelling)).toBe("2001:db8:abcd:12::/64");
    expect(ipRateLimitSubject("2001:db8:abcd:13::1")).toBe("2001:db8:abcd:13::/64");
    expect(ipRateLimitSubject("fe80::1%eth0")).toBe("fe80::/64");
    expect(ipRateLimitSubject("::1")).toBe("::/64");
    expect(ipRateLimitSubject("::")).toBe("::/64");
  });
});

describe("formatIpv6 (RFC 5952)", () => {
  it("lower-case, no leading zeros, the longest zero run compressed (the first one on a tie), a single zero group kept", () => {
    expect(formatIpv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe("2001:db8::1:0:0:1");
    expect(formatIpv6([0x2001, 0xdb8, 0, 0, 0, 1, 0, 0])).toBe("2001:db8::1:0:0");
    expect(formatIpv6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe("2001:db8:0:1:1:1:1:1");
    expect(formatIpv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe("::");
    expect(formatIpv6([0xabcd, 0, 0, 0, 0, 0, 0, 0])).toBe("abcd::");
  });
});
