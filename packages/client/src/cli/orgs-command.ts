import type { OrganizationListEntry } from "@ociauth/schema";
import { createOciAuthClient } from "../create-client";
import { CONNECTION_OPTIONS, parseCommandArgs, serviceUrl, UsageError } from "./cli-args";
import type { CliIo } from "./cli-io";
import { formatJson, formatTable } from "./format";
import { ORGS_SUBCOMMAND_USAGE, ORGS_USAGE } from "./usage";

const ORG_OPTIONS = { ...CONNECTION_OPTIONS, token: { type: "string" }, name: { type: "string" }, slug: { type: "string" } } as const;

/** Which positionals each subcommand takes, and which options besides the common ones. */
const SHAPES: Record<string, { positionals: string[]; options: string[] }> = {
  list: { positionals: [], options: [] },
  create: { positionals: ["name"], options: ["slug"] },
  update: { positionals: ["organizationId"], options: ["name", "slug"] },
};
const COMMON = new Set(["url", "json", "help", "token"]);

/** `ociauth orgs list|create|update …` through the typed tRPC client. */
export async function orgsCommand(args: string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) throw new UsageError("missing subcommand (list, create or update)", ORGS_USAGE);
  if (subcommand === "-h" || subcommand === "--help" || subcommand === "help") return io.out(ORGS_USAGE);
  const usage = ORGS_SUBCOMMAND_USAGE[subcommand];
  const shape = SHAPES[subcommand];
  if (usage === undefined || shape === undefined) throw new UsageError(`unknown orgs subcommand ${JSON.stringify(subcommand)}`, ORGS_USAGE);

  const { values, positionals } = parseCommandArgs(rest, ORG_OPTIONS, usage);
  if (values.help) return io.out(usage);
  for (const key of Object.keys(values)) {
    if (!COMMON.has(key) && !shape.options.includes(key)) throw new UsageError(`unknown option --${key}`, usage);
  }
  const missing = shape.positionals.slice(positionals.length);
  if (missing.length > 0) throw new UsageError(`missing <${missing[0]}>`, usage);
  const extra = positionals[shape.positionals.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, usage);
  if (subcommand === "update" && values.name === undefined && values.slug === undefined)
    throw new UsageError("give --name, --slug or both", usage);
  const token = values.token || io.env.OCIAUTH_TOKEN;
  if (!token) throw new UsageError("missing token: pass --token or set OCIAUTH_TOKEN", usage);

  const client = createOciAuthClient({ url: serviceUrl(values.url, io.env), token });
  const [first = ""] = positionals;
  if (subcommand === "list") {
    const { organizations } = await client.organizations.list.query();
    return io.out(values.json ? formatJson({ organizations }) : formatOrganizationList(organizations));
  }
  const result =
    subcommand === "create"
      ? await client.organizations.create.mutate({ name: first, ...(values.slug === undefined ? {} : { slug: values.slug }) })
      : await client.organizations.update.mutate({
          organizationId: first,
          ...(values.name === undefined ? {} : { name: values.name }),
          ...(values.slug === undefined ? {} : { slug: values.slug }),
        });
  if (values.json) return io.out(formatJson(result));
  const { organization } = result;
  const title =
    subcommand === "create" ? `Organization ${organization.name} created; you are its admin` : `Organization ${organization.id} updated`;
  io.out(
    `${title}\n\n${formatTable([
      ["id", organization.id],
      ["name", organization.name],
      ["slug", organization.slug],
    ])}`,
  );
}

function formatOrganizationList(organizations: OrganizationListEntry[]): string {
  if (organizations.length === 0) return "No organizations.";
  const rows = [["ID", "SLUG", "ROLE", "NAME"], ...organizations.map((o) => [o.id, o.slug, o.userRole, o.name])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
}
