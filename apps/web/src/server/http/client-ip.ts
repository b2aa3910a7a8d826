import { BlockList, isIP } from "node:net";
import { parseTrustedIp } from "@ociauth/schema";

const stripMapped = (ip: string) => /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;

/** TRUSTED_PROXIES entries (addresses or CIDR blocks) as a matcher. */
export function createProxyMatcher(entries: string[]): (ip: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const parsed = parseTrustedIp(entry);
    if (!parsed) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block`);
    if (parsed.prefix === undefined) list.addAddress(parsed.ipAddress, parsed.type);
    else list.addSubnet(parsed.ipAddress, parsed.prefix, parsed.type);
  }
  return (ip) => {
    const address = stripMapped(ip);
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
  };
}

/**
 * The caller's address: the socket's, unless the socket is a trusted proxy; then X-Forwarded-For
 * is read from the right, skipping trusted proxies, and the first other address is the client.
 * A client can therefore never choose its address by sending the header itself.
 */
export function resolveClientIp(
  socketIp: string | undefined | null,
  forwardedFor: string | null | undefined,
  isTrustedProxy: (ip: string) => boolean,
): string | null {
  if (!socketIp) return null;
  let client = stripMapped(socketIp);
  if (!isTrustedProxy(client) || !forwardedFor) return client;
  const hops = forwardedFor.split(",").map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = stripMapped(hops[i]!);
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isTrustedProxy(hop)) break;
  }
  return client;
}
