import { isIP } from "node:net";
import { parseTrustedIp, type TrustedIp } from "@ociauth/schema";
import { createIpMatcher, stripMappedIpv4 } from "../services/auth/trusted-ips-fns";

/** TRUSTED_PROXIES entries (addresses or CIDR blocks) as a matcher; a bad entry stops the start. */
export function createProxyMatcher(entries: string[]): (ip: string) => boolean {
  if (entries.length === 0) return () => false;
  const parsed: TrustedIp[] = entries.map((entry) => {
    const ip = parseTrustedIp(entry);
    if (!ip) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block`);
    return ip;
  });
  return createIpMatcher(parsed);
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
  let client = stripMappedIpv4(socketIp);
  if (!isTrustedProxy(client) || !forwardedFor) return client;
  const hops = forwardedFor
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = stripMappedIpv4(hops[i]!);
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isTrustedProxy(hop)) break;
  }
  return client;
}
