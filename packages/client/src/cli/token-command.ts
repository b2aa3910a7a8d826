import { TokenVerificationError } from "../errors";
import { type AccessTokenClaims, verifyAccessToken, type VerifiedAccessToken } from "../verify-access-token";
import { CONNECTION_OPTIONS, parseCommandArgs, serviceUrl, UsageError } from "./cli-args";
import type { CliIo } from "./cli-io";
import { formatJson, formatTable } from "./format";
import { TOKEN_SUBCOMMAND_USAGE, TOKEN_USAGE } from "./usage";

const VERIFY_OPTIONS = {
  ...CONNECTION_OPTIONS,
  token: { type: "string" },
  online: { type: "boolean" },
  audience: { type: "string" },
  "client-ip": { type: "string" },
} as const;

/** `ociauth token verify <token>`: exit 0 with the claims, 1 with the reason it was refused. */
export async function tokenCommand(args: string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) throw new UsageError("missing subcommand (verify)", TOKEN_USAGE);
  if (subcommand === "-h" || subcommand === "--help" || subcommand === "help") return io.out(TOKEN_USAGE);
  const usage = TOKEN_SUBCOMMAND_USAGE[subcommand];
  if (usage === undefined) throw new UsageError(`unknown token subcommand ${JSON.stringify(subcommand)}`, TOKEN_USAGE);

  const { values, positionals } = parseCommandArgs(rest, VERIFY_OPTIONS, usage);
  if (values.help) return io.out(usage);
  const [given, extra] = positionals;
  if (given === undefined) throw new UsageError("missing <token>", usage);
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, usage);
  const ownToken = values.token || io.env.OCIAUTH_TOKEN;
  if (values.online && !ownToken) throw new UsageError("--online needs your own access token: pass --token or set OCIAUTH_TOKEN", usage);
  if (!values.online && values["client-ip"] !== undefined) throw new UsageError("--client-ip is for --online", usage);
  const token = given === "-" ? ((await io.readStdin?.()) ?? "").trim() : given;
  if (!token) throw new UsageError("the token is empty", usage);

  let result: VerifiedAccessToken;
  try {
    result = await verifyAccessToken(token, {
      issuer: serviceUrl(values.url, io.env),
      audience: values.audience,
      mode: values.online ? "online" : "offline",
      accessToken: ownToken,
      clientIp: values["client-ip"],
    });
  } catch (error) {
    if (!(error instanceof TokenVerificationError)) throw error;
    if (values.json) io.out(formatJson({ active: false, reason: error.reason, message: error.message }));
    throw new Error(`token refused (${error.reason}): ${error.message}`);
  }
  io.out(values.json ? formatJson(result) : formatVerified(result));
}

const when = (seconds: number | undefined) => (seconds === undefined ? "never" : new Date(seconds * 1000).toISOString());

function formatVerified(result: VerifiedAccessToken): string {
  const title =
    result.mode === "offline"
      ? "Token valid (offline: signature checked with the issuer's published keys; a revocation is not visible offline, see --online)"
      : "Token active (online: the issuer's introspection)";
  return `${title}\n\n${formatTable(claimRows(result.claims, result.mode === "online" ? result.remainingUses : undefined))}`;
}

function claimRows(claims: AccessTokenClaims, remainingUses: number | null | undefined): [string, string][] {
  const o = claims.ociauth;
  const rows: [string, string | undefined][] = [
    ["identity", `${o.identity_name} (${claims.sub})`],
    ["organization", `${o.org_slug} (${o.org_id})`],
    ["authMethod", o.auth_method],
    ["principal", o.principal_type && [o.principal_type, o.principal_ocid].filter(Boolean).join(" ")],
    ["username", o.username],
    ["userOcid", o.user_ocid],
    ["tenancyOcid", o.tenancy_ocid],
    ["compartmentOcid", o.compartment_ocid],
    ["region", o.region],
    ["audience", claims.aud],
    ["issuer", claims.iss],
    ["issuedAt", when(claims.iat)],
    ["expiresAt", when(claims.exp)],
    ["tokenId", claims.jti],
    ["remainingUses", remainingUses === undefined ? undefined : remainingUses === null ? "unlimited" : String(remainingUses)],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined);
}
