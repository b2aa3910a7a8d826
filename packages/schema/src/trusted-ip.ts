import { z } from "zod";

export type IpType = "ipv4" | "ipv6";
export interface ParsedTrustedIp {
  ipAddress: string;
  type: IpType;
  prefix?: number;
}

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();

function ipType(address: string): IpType | null {
  if (ipv4.safeParse(address).success) return "ipv4";
  if (ipv6.safeParse(address).success) return "ipv6";
  return null;
}

/**
 * Parses an IPv4/IPv6 address or CIDR block into its stored form; null when invalid.
 * `10.0.0.0/8` → `{ipAddress:"10.0.0.0", type:"ipv4", prefix:8}`; a bare address has no prefix.
 * Runs in browsers too (no node:net), so the dashboard shows the API's message.
 */
export function parseTrustedIp(input: string): ParsedTrustedIp | null {
  const value = input.trim();
  const slash = value.indexOf("/");
  if (slash === -1) {
    const type = ipType(value);
    return type ? { ipAddress: value, type } : null;
  }
  const address = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  const type = ipType(address);
  if (!type || prefix > (type === "ipv4" ? 32 : 128)) return null;
  return { ipAddress: address, type, prefix };
}

export const isValidIpOrCidr = (input: string) => parseTrustedIp(input) !== null;
