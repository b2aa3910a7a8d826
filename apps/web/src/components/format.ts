import { authMethods, type TrustedIp } from "@ociauth/schema";

const UNITS: [label: string, seconds: number][] = [
  ["year", 365 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

/** 2592000 → "30 days", 90061 → "1 day 1 hour 1 minute" (at most three units; years of 365 days). */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) return "";
  if (totalSeconds === 0) return "0 seconds";
  const parts: string[] = [];
  let rest = Math.floor(totalSeconds);
  for (const [label, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 && parts.length < 3) parts.push(`${count.toLocaleString("en-US")} ${label}${count === 1 ? "" : "s"}`);
  }
  return parts.join(" ");
}

const dateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  year: "numeric",
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * "27 Nov 2026, 18:10 UTC". Always UTC, so the server-rendered HTML and the browser agree
 * (no hydration mismatch) and operators in different places read the same times.
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${dateTime.format(date)} UTC`;
}

export function formatTrustedIp(ip: TrustedIp): string {
  return ip.prefix === undefined ? ip.ipAddress : `${ip.ipAddress}/${ip.prefix}`;
}

/** Every address of its family: `0.0.0.0/0`, `::/0`. */
export const isAllAddresses = (ip: TrustedIp) => ip.prefix === 0;

export function formatUses(uses: number, limit: number): string {
  return limit === 0 ? `${uses.toLocaleString("en-US")} (unlimited)` : `${uses.toLocaleString("en-US")} / ${limit.toLocaleString("en-US")}`;
}

export const ROLE_LABELS = { admin: "Admin", member: "Member", viewer: "Viewer", "no-access": "No access" } as const;

export const AUTH_METHOD_LABELS: Record<string, string> = { "oci-auth": "OCI auth", token: "Token" };

type AuthMethod = (typeof authMethods)[number];

/** An identity's auth methods with `method` added or removed (in the API's order). */
export function withAuthMethod(methods: readonly AuthMethod[], method: AuthMethod, on: boolean): AuthMethod[] {
  return authMethods.filter((m) => (m === method ? on : methods.includes(m)));
}
