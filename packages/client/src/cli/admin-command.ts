import { requestJson } from "../rest-call";
import { CONNECTION_OPTIONS, parseCommandArgs, serviceUrl, UsageError } from "./cli-args";
import type { CliIo } from "./cli-io";
import { formatJson, formatTable } from "./format";
import { ADMIN_SUBCOMMAND_USAGE, ADMIN_USAGE } from "./usage";

/** A signing key as GET /api/v1/admin/signing-keys shows it. */
interface SigningKeyView {
  kid: string;
  alg: string;
  createdAt: string;
  state: "signing" | "published" | "retired";
  liveTokens: number;
}

const ADMIN_OPTIONS = { ...CONNECTION_OPTIONS, token: { type: "string" }, yes: { type: "boolean" } } as const;

const KEYS_PATH = "/api/v1/admin/signing-keys";

/** `ociauth admin signing-keys` and `ociauth admin rotate-signing-key [--yes]` through the REST API. */
export async function adminCommand(args: string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) throw new UsageError("missing subcommand (signing-keys or rotate-signing-key)", ADMIN_USAGE);
  if (subcommand === "-h" || subcommand === "--help" || subcommand === "help") return io.out(ADMIN_USAGE);
  const usage = ADMIN_SUBCOMMAND_USAGE[subcommand];
  if (usage === undefined) throw new UsageError(`unknown admin subcommand ${JSON.stringify(subcommand)}`, ADMIN_USAGE);

  const { values, positionals } = parseCommandArgs(rest, ADMIN_OPTIONS, usage);
  if (values.help) return io.out(usage);
  if (positionals[0] !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, usage);
  if (subcommand === "signing-keys" && values.yes !== undefined) throw new UsageError("unknown option --yes", usage);
  const token = values.token || io.env.OCIAUTH_TOKEN;
  if (!token) throw new UsageError("missing token: pass --token or set OCIAUTH_TOKEN", usage);
  const connection = { url: serviceUrl(values.url, io.env) };

  if (subcommand === "signing-keys") {
    const result = await requestJson<{ keys: SigningKeyView[] }>(connection, { method: "GET", path: KEYS_PATH, token });
    return io.out(values.json ? formatJson(result) : formatKeys(result.keys));
  }
  if (!values.yes) {
    const answer = (await io.prompt?.("Rotate the signing key? New tokens are signed with a new key from now on. [y/N] ")) ?? "";
    if (!/^y(es)?$/i.test(answer.trim())) throw new Error("No key rotated: answer y to confirm, or pass --yes");
  }
  const result = await requestJson<{ key: SigningKeyView }>(connection, { method: "POST", path: `${KEYS_PATH}/rotate`, token });
  if (values.json) return io.out(formatJson(result));
  const { key } = result;
  io.out(
    `Signing key rotated: ${key.kid} signs new tokens; earlier keys stay published while their tokens live\n\n${formatTable([
      ["kid", key.kid],
      ["alg", key.alg],
      ["createdAt", key.createdAt],
      ["state", key.state],
    ])}`,
  );
}

function formatKeys(keys: SigningKeyView[]): string {
  if (keys.length === 0) return "No signing keys.";
  const rows = [
    ["KID", "ALG", "CREATED", "STATE", "LIVE TOKENS"],
    ...keys.map((k) => [k.kid, k.alg, k.createdAt, k.state, String(k.liveTokens)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
}
