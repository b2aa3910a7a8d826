import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { resourcePrincipalEnv } from "./oci-principal-helpers.js";
import { type OciStandIn, type StandInResource } from "./types.js";

/**
 * Writes a function's resource principal files (session key, RPST) under `<out>/functions/` and a
 * shell file exporting the OCI_RESOURCE_PRINCIPAL_* variables; returns the shell file's path.
 */
export function writeFunctionEnv(
  standIn: Pick<OciStandIn, "issueResourcePrincipalToken">,
  fn: StandInResource,
  out: string,
  expiresAt: Date,
): string {
  const dir = join(resolve(out), "functions", fn.id.slice(-16));
  mkdirSync(dir, { recursive: true });
  const env = resourcePrincipalEnv(standIn, fn, { dir, rpstInFile: true, expiresAt });
  const envFile = join(dir, "resource-principal.env");
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([name, value]) => `export ${name}=${value}\n`)
      .join(""),
  );
  return envFile;
}
