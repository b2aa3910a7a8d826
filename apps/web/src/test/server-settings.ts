import { configurationVariableNames } from "@ociauth/api/config";

/**
 * The probe paths the server answers: GET /healthz (alive) and GET /readyz (ready: database
 * reachable). Served by packages/api's front door.
 */
export const PROBE_PATHS = { liveness: "/healthz", readiness: "/readyz" };

/** Variables read by Next.js itself, not by our code. */
const NEXT_VARIABLES = ["NEXT_TELEMETRY_DISABLED"];

/** Every variable the server reads: its configuration schema's (packages/api checks its sources read no other). */
export function variablesTheServerReads(): Set<string> {
  return new Set([...NEXT_VARIABLES, ...configurationVariableNames()]);
}

const ipv4 = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

/** Whether the IPv4 address `ip` lies in `cidr` (a.b.c.d/n, or one address). */
export const inCidr = (ip: string, cidr: string) => {
  const [base, bits = "32"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base!) / size);
};
