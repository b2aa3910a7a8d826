import { buildInfo } from "@ociauth/schema/build-info";
import { OciAuthError } from "../errors";
import { UsageError } from "./cli-args";
import type { CliIo } from "./cli-io";
import { formatApiError } from "./format";
import {
  ADMIN_SUBCOMMAND_USAGE,
  ADMIN_USAGE,
  LOGIN_USAGE,
  MAIN_USAGE,
  OCI_AUTH_SUBCOMMAND_USAGE,
  OCI_AUTH_USAGE,
  ORGS_SUBCOMMAND_USAGE,
  ORGS_USAGE,
  TOKEN_AUTH_SUBCOMMAND_USAGE,
  TOKEN_AUTH_TOKENS_SUBCOMMAND_USAGE,
  TOKEN_AUTH_TOKENS_USAGE,
  TOKEN_AUTH_USAGE,
  TOKEN_SUBCOMMAND_USAGE,
  TOKEN_USAGE,
  USERS_SUBCOMMAND_USAGE,
  USERS_USAGE,
} from "./usage";

// Loaded on demand: help and usage errors stay fast (no tRPC client, no oci-common).
const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<void>> = {
  login: async (args, io) => (await import("./login-command")).loginCommand(args, io),
  "oci-auth": async (args, io) => (await import("./oci-auth-command")).ociAuthCommand(args, io),
  "token-auth": async (args, io) => (await import("./token-auth-command")).tokenAuthCommand(args, io),
  users: async (args, io) => (await import("./users-command")).usersCommand(args, io),
  orgs: async (args, io) => (await import("./orgs-command")).orgsCommand(args, io),
  token: async (args, io) => (await import("./token-command")).tokenCommand(args, io),
  admin: async (args, io) => (await import("./admin-command")).adminCommand(args, io),
};

function helpFor(topic: string[]): string {
  const [command, subcommand, tokensSubcommand] = topic;
  if (command === "login") return LOGIN_USAGE;
  if (command === "oci-auth") return (subcommand && OCI_AUTH_SUBCOMMAND_USAGE[subcommand]) || OCI_AUTH_USAGE;
  if (command === "token-auth" && subcommand === "tokens")
    return (tokensSubcommand && TOKEN_AUTH_TOKENS_SUBCOMMAND_USAGE[tokensSubcommand]) || TOKEN_AUTH_TOKENS_USAGE;
  if (command === "token-auth") return (subcommand && TOKEN_AUTH_SUBCOMMAND_USAGE[subcommand]) || TOKEN_AUTH_USAGE;
  if (command === "users") return (subcommand && USERS_SUBCOMMAND_USAGE[subcommand]) || USERS_USAGE;
  if (command === "orgs") return (subcommand && ORGS_SUBCOMMAND_USAGE[subcommand]) || ORGS_USAGE;
  if (command === "token") return (subcommand && TOKEN_SUBCOMMAND_USAGE[subcommand]) || TOKEN_USAGE;
  if (command === "admin") return (subcommand && ADMIN_SUBCOMMAND_USAGE[subcommand]) || ADMIN_USAGE;
  if (command === undefined) return MAIN_USAGE;
  throw new UsageError(`unknown command ${JSON.stringify(command)}`, MAIN_USAGE);
}

/** `ociauth --version`: the CLI's own version and source revision (OCIAUTH_VERSION / OCIAUTH_REVISION override them). */
export function versionLine(env: NodeJS.ProcessEnv): string {
  const { version, revision } = buildInfo(env);
  return `ociauth ${version} (revision ${revision})`;
}

async function dispatch(argv: string[], io: CliIo): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined) throw new UsageError("missing command", MAIN_USAGE);
  if (command === "-h" || command === "--help") return io.out(MAIN_USAGE);
  if (command === "--version" || command === "-V") return io.out(versionLine(io.env));
  if (command === "help") return io.out(helpFor(args));
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown ${command.startsWith("-") ? "option" : "command"} ${JSON.stringify(command)}`, MAIN_USAGE);
  await run(args, io);
}

/** Runs the CLI and returns its exit status: 0 success, 1 refused by the service (or the key), 2 wrong usage. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await dispatch(argv, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${error.usage}`);
      return 2;
    }
    io.err(error instanceof OciAuthError ? formatApiError(error) : `error: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}
