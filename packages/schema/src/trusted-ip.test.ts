import { describe, expect, it } from "vitest";
import { isValidIpOrCidr, parseTrustedIp } from "./trusted-ip";

describe("parseTrustedIp — valid input", () => {
  it.each([
    ["0.0.0.0", { ipAddress: "0.0.0.0", type: "ipv4" }],
    ["1.2.3.4", { ipAddress: "1.2.3.4", type: "ipv4" }],
    ["255.255.255.255", { ipAddress: "255.255.255.255", type: "ipv4" }],
    ["192.168.0.1", { ipAddress: "192.168.0.1", type: "ipv4" }],
    ["2001:0db8:85a3:0000:0000:8a2e:0370:7334", { ipAddress: "2001:0db8:85a3:0000:0000:8a2e:0370:7334", type: "ipv6" }],
    ["1:2:3:4:5:6:7:8", { ipAddress: "1:2:3:4:5:6:7:8", type: "ipv6" }],
    ["2001:db8::1", { ipAddress: "2001:db8::1", type: "ipv6" }],
    ["2001:DB8::1", { ipAddress: "2001:DB8::1", type: "ipv6" }],
    ["::", { ipAddress: "::", type: "ipv6" }],
    ["::1", { ipAddress: "::1", type: "ipv6" }],
    ["fe80::", { ipAddress: "fe80::", type: "ipv6" }],
    ["1:2:3:4:5:6:7::", { ipAddress: "1:2:3:4:5:6:7::", type: "ipv6" }],
    ["::1:2:3:4:5:6:7", { ipAddress: "::1:2:3:4:5:6:7", type: "ipv6" }],
    ["::ffff:1.2.3.4", { ipAddress: "::ffff:1.2.3.4", type: "ipv6" }],
  ])("bare address %s has no prefix key", (input, expected) => {
    const parsed = parseTrustedIp(input);
    expect(parsed).toEqual(expected);
    expect(parsed).not.toHaveProperty("prefix");
    expect(Object.keys(parsed!).sort()).toEqual(["ipAddress", "type"]);
  });

  it.each([
    ["0.0.0.0/0", { ipAddress: "0.0.0.0", type: "ipv4", prefix: 0 }],
    ["10.0.0.0/8", { ipAddress: "10.0.0.0", type: "ipv4", prefix: 8 }],
    ["192.168.1.0/24", { ipAddress: "192.168.1.0", type: "ipv4", prefix: 24 }],
    ["1.2.3.4/32", { ipAddress: "1.2.3.4", type: "ipv4", prefix: 32 }],
    ["::/0", { ipAddress: "::", type: "ipv6", prefix: 0 }],
    ["2001:db8::/32", { ipAddress: "2001:db8::", type: "ipv6", prefix: 32 }],
    ["fe80::/10", { ipAddress: "fe80::", type: "ipv6", prefix: 10 }],
    ["::1/128", { ipAddress: "::1", type: "ipv6", prefix: 128 }],
    ["::ffff:1.2.3.4/128", { ipAddress: "::ffff:1.2.3.4", type: "ipv6", prefix: 128 }],
  ])("CIDR %s gives the address part and a numeric prefix", (input, expected) => {
    expect(parseTrustedIp(input)).toEqual(expected);
    expect(isValidIpOrCidr(input)).toBe(true);
  });

  it("SPEC example: 0.0.0.0/0 serialises exactly", () => {
    expect(JSON.stringify(parseTrustedIp("0.0.0.0/0"))).toBe('{"ipAddress":"0.0.0.0","type":"ipv4","prefix":0}');
  });

  it("trims surrounding whitespace (including newlines)", () => {
    expect(parseTrustedIp("1.2.3.4 ")).toEqual({ ipAddress: "1.2.3.4", type: "ipv4" });
    expect(parseTrustedIp(" 1.2.3.4")).toEqual({ ipAddress: "1.2.3.4", type: "ipv4" });
    expect(parseTrustedIp("1.2.3.4\n")).toEqual({ ipAddress: "1.2.3.4", type: "ipv4" });
    expect(parseTrustedIp(" ::/0 ")).toEqual({ ipAddress: "::", type: "ipv6", prefix: 0 });
  });

  it("does not normalise host bits or letter case (address kept as given)", () => {
    expect(parseTrustedIp("10.0.0.1/8")).toEqual({ ipAddress: "10.0.0.1", type: "ipv4", prefix: 8 });
    expect(parseTrustedIp("2001:DB8::/32")).toEqual({ ipAddress: "2001:DB8::", type: "ipv6", prefix: 32 });
  });

  it("accepts leading zeros in the prefix (decimal, 1-3 digits)", () => {
    expect(parseTrustedIp("1.2.3.4/08")).toEqual({ ipAddress: "1.2.3.4", type: "ipv4", prefix: 8 });
    expect(parseTrustedIp("1.2.3.4/008")).toEqual({ ipAddress: "1.2.3.4", type: "ipv4", prefix: 8 });
    expect(parseTrustedIp("::/000")).toEqual({ ipAddress: "::", type: "ipv6", prefix: 0 });
    expect(parseTrustedIp("::/0128")).toBeNull(); // 4 digits
  });

  it("accepts every IPv4 prefix 0..32 and every IPv6 prefix 0..128", () => {
    for (let p = 0; p <= 32; p++) expect(parseTrustedIp(`10.0.0.0/${p}`)).toEqual({ ipAddress: "10.0.0.0", type: "ipv4", prefix: p });
    for (let p = 0; p <= 128; p++) expect(parseTrustedIp(`2001:db8::/${p}`)).toEqual({ ipAddress: "2001:db8::", type: "ipv6", prefix: p });
  });
});

describe("parseTrustedIp — invalid input", () => {
  it.each([
    ["v4 /33", "1.2.3.4/33"],
    ["v4 /128", "1.2.3.4/128"],
    ["v6 /129", "::/129"],
    ["v6 /999", "::/999"],
    ["negative", "1.2.3.4/-1"],
    ["plus sign", "1.2.3.4/+8"],
    ["empty prefix", "1.2.3.4/"],
    ["letters", "1.2.3.4/a"],
    ["hex prefix", "1.2.3.4/0x8"],
    ["fractional", "1.2.3.4/1.5"],
    ["exponent", "1.2.3.4/1e1"],
    ["four digits", "1.2.3.4/0032"],
    ["space in prefix", "1.2.3.4/ 8"],
    ["space before slash", "1.2.3.4 /8"],
    ["full-width digit", "1.2.3.4/８"],
    ["arabic-indic digit", "1.2.3.4/٣"],
    ["netmask form", "10.0.0.0/255.0.0.0"],
    ["double slash", "1.2.3.4/8/9"],
    ["slash only", "/"],
    ["prefix only", "/8"],
    ["garbage", "abc"],
    ["empty", ""],
    ["whitespace", "   "],
    ["three octets", "1.2.3"],
    ["five octets", "1.2.3.4.5"],
    ["octet > 255", "256.1.1.1"],
    ["leading zero octet", "01.2.3.4"],
    ["leading zero last octet", "1.2.3.04"],
    ["trailing dot", "1.2.3.4."],
    ["inner space", "1.2. 3.4"],
    ["hostname", "localhost"],
    ["url", "http://1.2.3.4"],
    ["port", "1.2.3.4:80"],
    ["bracketed v6", "[::1]"],
    ["zone id", "fe80::1%eth0"],
    ["double ::", "1::2::3"],
    ["nine groups", "1:2:3:4:5:6:7:8:9"],
    ["group too long", "12345::1"],
    ["non-hex", "g::1"],
    ["single colon", ":"],
    ["triple colon", ":::"],
    ["wildcard", "*"],
    ["range", "10.0.0.1-10.0.0.9"],
  ])("%s (%j) → null", (_label, input) => {
    expect(parseTrustedIp(input)).toBeNull();
    expect(isValidIpOrCidr(input)).toBe(false);
  });

  it("rejects huge strings quickly", () => {
    const inputs = [
      "1".repeat(1_000_000),
      "a".repeat(1_000_000),
      "1:".repeat(100_000),
      "1.".repeat(100_000) + "1",
      "1".repeat(100_000) + "/8",
      "1.2.3.4/" + "1".repeat(100_000),
      ":".repeat(100_000) + "1",
    ];
    const start = performance.now();
    for (const input of inputs) expect(parseTrustedIp(input)).toBeNull();
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
