import { readFile } from "node:fs/promises";
import { type OrgRole, orgRoles, type OrgUserListItem } from "@ociauth/schema";
import { createOciAuthClient, type OciAuthClient } from "../create-client";
import { CONNECTION_OPTIONS, parseCommandArgs, serviceUrl, UsageError } from "./cli-args";
import type { CliIo } from "./cli-io";
import { formatJson, formatTable } from "./format";
import { USERS_SUBCOMMAND_USAGE, USERS_USAGE } from "./usage";

const USER_OPTIONS = {
  ...CONNECTION_OPTIONS,
  token: { type: "string" },
  "org-id": { type: "string" },
  role: { type: "string" },
  "password-file": { type: "string" },
} as const;

/** Which positionals each subcommand takes, and which options besides the common ones. */
const SHAPES: Record<string, { positionals: string[]; options: string[] }> = {
  list: { positionals: [], options: [] },
  add: { positionals: ["email"], options: ["role", "password-file"] },
  "set-role": { positionals: ["userId", "role"], options: [] },
  remove: { positionals: ["userId"], options: [] },
  "reset-password": { positionals: ["userId"], options: ["password-file"] },
  unlock: { positionals: ["userId"], options: [] },
};
const COMMON = new Set(["url", "json", "help", "token", "org-id"]);

/** `ociauth users list|add|set-role|remove|reset-password|unlock …` through the typed tRPC client. */
export async function usersCommand(args: string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined)
    throw new UsageError("missing subcommand (list, add, set-role, remove, reset-password or unlock)", USERS_USAGE);
  if (subcommand === "-h" || subcommand === "--help" || subcommand === "help") return io.out(USERS_USAGE);
  const usage = USERS_SUBCOMMAND_USAGE[subcommand];
  const shape = SHAPES[subcommand];
  if (usage === undefined || shape === undefined)
    throw new UsageError(`unknown users subcommand ${JSON.stringify(subcommand)}`, USERS_USAGE);

  const { values, positionals } = parseCommandArgs(rest, USER_OPTIONS, usage);
  if (values.help) return io.out(usage);
  for (const key of Object.keys(values)) {
    if (!COMMON.has(key) && !shape.options.includes(key)) throw new UsageError(`unknown option --${key}`, usage);
  }
  const missing = shape.positionals.slice(positionals.length);
  if (missing.length > 0) throw new UsageError(`missing <${missing[0]}>`, usage);
  const extra = positionals[shape.positionals.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, usage);
  const token = values.token || io.env.OCIAUTH_TOKEN;
  if (!token) throw new UsageError("missing token: pass --token or set OCIAUTH_TOKEN", usage);
  const role = subcommand === "add" ? values.role : positionals[1];
  if (subcommand === "add" && role === undefined) throw new UsageError("missing required option --role", usage);
  if (role !== undefined && !isRole(role))
    throw new UsageError(`role must be one of ${orgRoles.join(", ")}, got ${JSON.stringify(role)}`, usage);
  const needsPassword = subcommand === "add" || subcommand === "reset-password";
  const password = needsPassword ? await passwordFrom(values["password-file"], io.env, usage) : "";

  const client = createOciAuthClient({ url: serviceUrl(values.url, io.env), token });
  const organizationId = values["org-id"] || io.env.OCIAUTH_ORG_ID || (await ownOrganization(client));
  const [first = ""] = positionals;
  let result: unknown;
  let title: string;
  switch (subcommand) {
    case "list": {
      // Every page (a page holds at most 1,000 users): `nextOffset` says where the next one starts.
      const users: OrgUserListItem[] = [];
      for (let offset: number | null = 0; offset !== null;) {
        const page: { users: OrgUserListItem[]; nextOffset: number | null } = await client.users.list.query({ organizationId, offset });
        users.push(...page.users);
        offset = page.nextOffset;
      }
      if (values.json) return io.out(formatJson({ users }));
      return io.out(formatUserList(users));
    }
    case "add":
      result = await client.users.add.mutate({ organizationId, email: first, password, role: role as OrgRole });
      title = `User ${first} added`;
      break;
    case "set-role":
      result = await client.users.updateRole.mutate({ organizationId, userId: first, role: role as OrgRole });
      title = `Role of user ${first} set to ${role}`;
      break;
    case "remove":
      result = await client.users.remove.mutate({ organizationId, userId: first });
      title = `User ${first} removed from the organization; their sessions are ended`;
      break;
    case "unlock":
      result = await client.users.unlock.mutate({ organizationId, userId: first });
      title = `Sign-in delay of user ${first} cleared: their next password login runs at once`;
      break;
    default:
      result = await client.users.resetPassword.mutate({ organizationId, userId: first, newPassword: password });
      title = `Password of user ${first} reset; their sessions are ended`;
  }
  if (values.json) return io.out(formatJson(result));
  const user = (result as { user?: { id: string; email: string; role: string } }).user;
  io.out(
    user
      ? `${title}\n\n${formatTable([
          ["id", user.id],
          ["email", user.email],
          ["role", user.role],
        ])}`
      : title,
  );
}

const isRole = (value: string): value is OrgRole => (orgRoles as readonly string[]).includes(value);

/** The password from --password-file (one trailing newline dropped) or OCIAUTH_USER_PASSWORD: never a flag's value, which `ps` shows. */
async function passwordFrom(file: string | undefined, env: NodeJS.ProcessEnv, usage: string): Promise<string> {
  if (file !== undefined) {
    try {
      return (await readFile(file, "utf8")).replace(/\r?\n$/, "");
    } catch (error) {
      throw new Error(`Could not read the password file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const fromEnv = env.OCIAUTH_USER_PASSWORD;
  if (fromEnv) return fromEnv;
  throw new UsageError("missing password: pass --password-file <path> or set OCIAUTH_USER_PASSWORD", usage);
}

/** Without --org-id: the organization of the token's identity or user. */
async function ownOrganization(client: OciAuthClient): Promise<string> {
  const me = await client.auth.me.query();
  if (!me.organizationId) throw new Error("This token belongs to no organization: pass --org-id");
  return me.organizationId;
}

function formatUserList(users: { id: string; email: string; role: string; createdAt: string }[]): string {
  if (users.length === 0) return "No users.";
  const rows = [["ID", "EMAIL", "ROLE", "CREATED"], ...users.map((u) => [u.id, u.email, u.role, u.createdAt])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
}
