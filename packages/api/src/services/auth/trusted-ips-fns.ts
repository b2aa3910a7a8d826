import { BlockList, isIP } from "node:net";
import type { TrustedIp } from "@ociauth/schema";

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it is. */
export const stripMappedIpv4 = (ip: string) => /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;

/** Builds a matcher once per config; accepts IPv4-mapped IPv6 callers (::ffff:a.b.c.d) as IPv4. */
export function createIpMatcher(trustedIps: TrustedIp[]): (ip: string | null) => boolean {
  const allowAll =
    trustedIps.some((t) => t.prefix === 0 && t.type === "ipv4") && trustedIps.some((t) => t.prefix === 0 && t.type === "ipv6");
  // Every address: no list to check, but still only addresses (an unknown caller IP counts as any).
  if (allowAll) return (ip) => ip === null || isIP(stripMappedIpv4(ip)) !== 0;
  const list = new BlockList();
  for (const t of trustedIps) {
    if (t.prefix === undefined) list.addAddress(t.ipAddress, t.type);
    else list.addSubnet(t.ipAddress, t.prefix, t.type);
  }
  return (ip) => {
    if (!ip) return false;
    const address = stripMappedIpv4(ip);
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 4 ? "ipv4" : "ipv6");
  };
}
