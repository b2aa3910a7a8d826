import { parseArgs } from "node:util";

export interface CliArgs {
  help: boolean;
  port: number;
  host: string;
  usersFile?: string;
  instancesFile?: string;
  functionsFile?: string;
  out: string;
  clockSkewSeconds: number;
  tokenLifetimeSeconds: number;
  rpstLifetimeSeconds: number;
  responseDelayMs: number;
}

export const USAGE = `Usage: pnpm --filter @ociauth/oci-stand-in start -- [options]

A local stand-in for OCI: identity GetUser (GET /20160918/users/{id}), the instance metadata
service (/opc/v2/...), X.509 federation (POST /v1/x509) and POST /v1/authentication/authenticateClient,
all verifying OCI request signatures. For tests and local development only.

Options:
  --port <n>            Port to listen on (default 9999; 0 picks a free port)
  --host <addr>         Address to listen on (default 127.0.0.1)
  --users <file.json>   Users to serve: a JSON array of
                        { id, compartmentId, name, email?, description?, lifecycleState?,
                          publicKeys?: [PEM...], publicKeyPath?: "key.pem" (relative to the file) }
                        Without it a demo tenancy, user and API key, a demo instance and a
                        demo function are created (or reused).
  --instances <file>    Instances to serve metadata and identity certificates for: a JSON array of
                        { id, compartmentId, tenancyId, region, displayName? }
  --functions <file>    Functions (resource principals) to mint session tokens for: a JSON array of
                        { id, compartmentId, tenancyId, region, type? (default "fnfunc") }
  --out <dir>           Where the demo API key and the functions' resource principal files are
                        written (default ./.data/oci-stand-in)
  --clock-skew <s>      Allowed clock skew in seconds (default 300)
  --token-lifetime <s>  Lifetime of instance principal tokens (default 1200)
  --rpst-lifetime <s>   Lifetime of the functions' resource principal session tokens (default 86400)
  --response-delay <ms> Hold every answer this long, e.g. 3000 for a slow OCI (default 0)
  --help                Show this help
`;

/** Parses CLI flags; throws with a readable message on bad input. */
export function parseCliArgs(argv: string[]): CliArgs {
  // `pnpm start -- --port 1` may pass the separator through.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args,
    options: {
      help: { type: "boolean", short: "h", default: false },
      port: { type: "string", default: "9999" },
      host: { type: "string", default: "127.0.0.1" },
      users: { type: "string" },
      out: { type: "string", default: "./.data/oci-stand-in" },
      "clock-skew": { type: "string", default: "300" },
      instances: { type: "string" },
      functions: { type: "string" },
      "token-lifetime": { type: "string", default: "1200" },
      "rpst-lifetime": { type: "string", default: "86400" },
      "response-delay": { type: "string", default: "0" },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    help: values.help,
    port: parseInteger("--port", values.port, 0, 65535),
    host: values.host,
    usersFile: values.users,
    instancesFile: values.instances,
    functionsFile: values.functions,
    out: values.out,
    clockSkewSeconds: parseInteger("--clock-skew", values["clock-skew"], 1, 86_400),
    tokenLifetimeSeconds: parseInteger("--token-lifetime", values["token-lifetime"], 60, 86_400),
    rpstLifetimeSeconds: parseInteger("--rpst-lifetime", values["rpst-lifetime"], 60, 30 * 86_400),
    responseDelayMs: parseInteger("--response-delay", values["response-delay"], 0, 600_000),
  };
}

function parseInteger(flag: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}
