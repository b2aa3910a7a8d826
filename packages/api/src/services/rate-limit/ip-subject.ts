import { isIP } from "node:net";

/** IPv6 callers are limited per /64: one subscriber or host usually holds a whole /64 and may use any address of it. */
export const IPV6_BUCKET_PREFIX = 64;

/** The eight 16-bit groups of an IPv6 address (zone id already removed), or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const first = head ? head.split(":") : [];
  const last = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array<string>(8 - first.length - last.length).fill("0");
  return [...first, ...fill, ...last].map((group) => parseInt(group, 16));
}

/** RFC 5952 text of eight groups: lower-case hex without leading zeros, the longest run (2+) of zero groups as `::`. */
export function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - i > bestLength) [bestStart, bestLength] = [i, end - i];
    i = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * The rate-limit subject of a caller address, so one caller cannot spread its attempts over
 * spellings or neighbouring addresses: the zone id (`%eth0`) is dropped, an IPv4-mapped IPv6
 * address (`::ffff:192.0.2.1`, in any spelling) is its IPv4 address, and any other IPv6 address
 * is its /64 prefix in RFC 5952 form (`2001:db8:0:1::/64`). Null (unknown) stays null; something
 * that is not an address is kept as it is.
 */
export function ipRateLimitSubject(ip: string | null): string | null {
  if (!ip) return null;
  const address = ip
    .trim()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/%.*$/, "");
  if (isIP(address) === 4) return address;
  const groups = ipv6Groups(address);
  if (!groups) return ip;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${formatIpv6([...groups.slice(0, IPV6_BUCKET_PREFIX / 16), 0, 0, 0, 0])}/${IPV6_BUCKET_PREFIX}`;
}
