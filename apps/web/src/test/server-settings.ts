import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./dockerfile";

/**
 * The probe paths the server answers: GET /healthz (alive) and GET /readyz (ready: database
 * reachable). Served by packages/api's front door.
 */
export const PROBE_PATHS = { liveness: "/healthz", readiness: "/readyz" };

/** Variables read by Next.js itself, not by our code. */
const NEXT_VARIABLES = ["NEXT_TELEMETRY_DISABLED"];

/** Every variable our server code reads: config.ts's schema plus direct process.env reads. */
export function variablesTheServerReads(): Set<string> {
  const names = new Set<string>(NEXT_VARIABLES);
  const config = readFileSync(path.join(repoRoot, "packages/api/src/core/config.ts"), "utf8");
  const schema = config.slice(config.indexOf("const envSchema"), config.indexOf("});", config.indexOf("const envSchema")));
  for (const m of schema.matchAll(/^\s{2}([A-Z_][A-Z0-9_]*):/gm)) names.add(m[1]!);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === "generated" ? [] : walk(path.join(dir, e.name))) : [path.join(dir, e.name)],
    );
  for (const dir of ["packages/api/src", "packages/db/src"]) {
    for (const file of walk(path.join(repoRoot, dir)).filter((f) => /\.ts$/.test(f) && !/\.test\.ts$|\/test\/|\/testing\//.test(f))) {
      for (const m of readFileSync(file, "utf8").matchAll(/\benv\.([A-Z_][A-Z0-9_]*)/g)) names.add(m[1]!);
    }
  }
  return names;
}

const ipv4 = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

/** Whether the IPv4 address `ip` lies in `cidr` (a.b.c.d/n, or one address). */
export const inCidr = (ip: string, cidr: string) => {
  const [base, bits = "32"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base!) / size);
};
