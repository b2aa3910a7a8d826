import { describe, expect, it } from "vitest";
import { createProxyMatcher, resolveClientIp } from "./client-ip";

const PROXY = "10.0.0.1";
const trusted = createProxyMatcher([PROXY]);
const noProxies = createProxyMatcher([]);

describe("createProxyMatcher", () => {
  it("matches nothing when no proxies are configured", () => {
    for (const ip of ["10.0.0.1", "127.0.0.1", "::1", "0.0.0.0"]) expect(noProxies(ip)).toBe(false);
  });

  it("matches single addresses and CIDR blocks, IPv4 and IPv6", () => {
    const match = createProxyMatcher(["192.0.2.10", "10.0.0.0/8", "fd00::/8", "2001:db8::1"]);
    expect(match("192.0.2.10")).toBe(true);
    expect(match("192.0.2.11")).toBe(false);
    expect(match("10.255.3.4")).toBe(true);
    expect(match("11.0.0.1")).toBe(false);
    expect(match("fd12:3456::1")).toBe(true);
    expect(match("fe80::1")).toBe(false);
    expect(match("2001:db8::1")).toBe(true);
    expect(match("2001:db8::2")).toBe(false);
  });

  it("matches IPv4-mapped IPv6 forms of trusted IPv4 addresses", () => {
    expect(trusted("::ffff:10.0.0.1")).toBe(true);
    expect(trusted("::FFFF:10.0.0.1")).toBe(true);
    expect(trusted("::ffff:10.0.0.2")).toBe(false);
  });

  it("never matches garbage", () => {
    const all = createProxyMatcher(["0.0.0.0/0", "::/0"]);
    for (const ip of ["", "garbage", "10.0.0.1:443", "[::1]", "10.0.0", "unknown"]) expect(all(ip)).toBe(false);
  });

  it("rejects entries that are not an address or CIDR block", () => {
    for (const entry of ["nope", "10.0.0.256", "/8", "localhost"]) {
      expect(() => createProxyMatcher([entry])).toThrow(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block`);
    }
  });

  it("rejects CIDR blocks with an invalid prefix", () => {
    for (const entry of ["10.0.0.0/33", "10.0.0.0/abc", "10.0.0.0/-1", "fd00::/129"]) {
      expect(() => createProxyMatcher([entry])).toThrow();
    }
  });

  it("rejects an empty prefix instead of trusting every address", () => {
    // "10.0.0.1/" read as a /0 block would make every client a trusted proxy (a one-character
    // typo letting anyone choose their IP with X-Forwarded-For): the entry is refused.
    expect(() => createProxyMatcher(["10.0.0.1/"])).toThrow('TRUSTED_PROXIES: "10.0.0.1/" is not an IP address or CIDR block');
  });
});

describe("resolveClientIp", () => {
  it("returns null when the socket address is unknown", () => {
    expect(resolveClientIp(undefined, "203.0.113.5", trusted)).toBeNull();
    expect(resolveClientIp(null, null, trusted)).toBeNull();
    expect(resolveClientIp("", "203.0.113.5", trusted)).toBeNull();
  });

  it("uses the socket address when there is no X-Forwarded-For", () => {
    expect(resolveClientIp("198.51.100.7", undefined, noProxies)).toBe("198.51.100.7");
    expect(resolveClientIp(PROXY, null, trusted)).toBe(PROXY);
    expect(resolveClientIp(PROXY, "", trusted)).toBe(PROXY);
  });

  it("ignores a spoofed X-Forwarded-For from an untrusted socket", () => {
    expect(resolveClientIp("198.51.100.7", "10.0.0.5", trusted)).toBe("198.51.100.7");
    expect(resolveClientIp("198.51.100.7", "1.2.3.4, 10.0.0.1", trusted)).toBe("198.51.100.7");
    expect(resolveClientIp("198.51.100.7", "127.0.0.1", noProxies)).toBe("198.51.100.7");
    // With no proxies configured even the would-be proxy address is just a client.
    expect(resolveClientIp(PROXY, "203.0.113.5", noProxies)).toBe(PROXY);
  });

  it("from a trusted proxy, the single forwarded address is the client", () => {
    expect(resolveClientIp(PROXY, "203.0.113.5", trusted)).toBe("203.0.113.5");
  });

  it("from a trusted proxy, the rightmost untrusted hop is the client (left entries are client-controlled)", () => {
    expect(resolveClientIp(PROXY, "6.6.6.6, 203.0.113.5", trusted)).toBe("203.0.113.5");
    expect(resolveClientIp(PROXY, "127.0.0.1,203.0.113.5", trusted)).toBe("203.0.113.5");
  });

  it("skips a chain of trusted proxies", () => {
    const chain = createProxyMatcher(["10.0.0.0/8"]);
    expect(resolveClientIp("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.1.1.1, 10.2.2.2", chain)).toBe("203.0.113.5");
  });

  it("when every hop is a trusted proxy, the leftmost one is the client", () => {
    const chain = createProxyMatcher(["10.0.0.0/8"]);
    expect(resolveClientIp("10.0.0.2", "10.9.9.9, 10.1.1.1", chain)).toBe("10.9.9.9");
  });

  it("handles IPv4-mapped IPv6 sockets and hops", () => {
    // An untrusted mapped socket: plain IPv4 comes back, the header is ignored.
    expect(resolveClientIp("::ffff:198.51.100.7", "6.6.6.6", trusted)).toBe("198.51.100.7");
    // A trusted proxy seen as a mapped address is still trusted.
    expect(resolveClientIp("::ffff:10.0.0.1", "203.0.113.5", trusted)).toBe("203.0.113.5");
    // A mapped forwarded hop is normalised too.
    expect(resolveClientIp(PROXY, "::ffff:203.0.113.5", trusted)).toBe("203.0.113.5");
  });

  it("handles IPv6 proxies and clients", () => {
    const v6 = createProxyMatcher(["fd00::/8"]);
    expect(resolveClientIp("fd00::1", "2001:db8::5", v6)).toBe("2001:db8::5");
    expect(resolveClientIp("2001:db8::9", "2001:db8::5", v6)).toBe("2001:db8::9");
  });

  it("stops at a garbage hop: nothing left of it can be trusted", () => {
    // The proxy's own neighbour is garbage: the proxy is the best-known address.
    expect(resolveClientIp(PROXY, "203.0.113.5, not-an-ip", trusted)).toBe(PROXY);
    expect(resolveClientIp(PROXY, "203.0.113.5:4711", trusted)).toBe(PROXY);
    expect(resolveClientIp(PROXY, "[2001:db8::5]", trusted)).toBe(PROXY);
    expect(resolveClientIp(PROXY, "unknown", trusted)).toBe(PROXY);
    // Garbage further left (client-controlled) does not matter.
    expect(resolveClientIp(PROXY, "garbage, 203.0.113.5", trusted)).toBe("203.0.113.5");
    // Behind a chain, garbage stops at the last trusted hop.
    const chain = createProxyMatcher(["10.0.0.0/8"]);
    expect(resolveClientIp("10.0.0.2", "203.0.113.5, bogus, 10.1.1.1", chain)).toBe("10.1.1.1");
  });

  it("ignores empty hops and surrounding whitespace", () => {
    expect(resolveClientIp(PROXY, " , 203.0.113.5 ,, ", trusted)).toBe("203.0.113.5");
    expect(resolveClientIp(PROXY, " , , ", trusted)).toBe(PROXY);
  });
});
