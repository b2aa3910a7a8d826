import { BlockList, isIP } from "node:net";
import type { TrustedIp } from "@ociauth/schema";

const WILDCARDS = new Set(["0.0.0.0/0", "::/0"]);

/** Builds a matcher once per config; accepts IPv4-mapped IPv6 callers (::ffff:a.b.c.d) as IPv4. */
export function createIpMatcher(trustedIps: TrustedIp[]): (ip: string | null) => boolean {
  const allowAll =
    trustedIps.some((t) => t.prefix === 0 && t.type === "ipv4") && trustedIps.some((t) => t.prefix === 0 && t.type === "ipv6");
  if (allowAll) return () => true;
  const list = new BlockList();
  for (const t of trustedIps) {
    if (t.prefix === undefined) list.addAddress(t.ipAddress, t.type);
    else list.addSubnet(t.ipAddress, t.prefix, t.type);
  }
  return (ip) => {
    if (!ip) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    const address = mapped?.[1] ?? ip;
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 4 ? "ipv4" : "ipv6");
  };
}

export const isWildcardOnly = (ips: { ipAddress: string; prefix?: number }[]) =>
  ips.every((ip) => WILDCARDS.has(`${ip.ipAddress}/${ip.prefix}`));
