import { type OciPrincipalType, splitCommaList } from "@ociauth/schema";
import { createOciAuthClient } from "../create-client";
import { parseCommandArgs, serviceUrl, UsageError } from "./cli-args";
import { AUTHED_OPTIONS, configFromFlags as tokenConfigFromFlags, TOKEN_CONFIG_OPTIONS } from "./config-flags";
import type { CliIo } from "./cli-io";
import { formatJson, formatOciAuth, type IdentityOciAuth } from "./format";
import { OCI_AUTH_SUBCOMMAND_USAGE, OCI_AUTH_USAGE } from "./usage";

const CONFIG_OPTIONS = {
  ...TOKEN_CONFIG_OPTIONS,
  "tenancy-ocid": { type: "string" },
  "allowed-usernames": { type: "string" },
  "allowed-principal-types": { type: "string" },
  "allowed-compartment-ocids": { type: "string" },
  "allowed-principal-ocids": { type: "string" },
  "allowed-regions": { type: "string" },
} as const;

type ConfigValues = { [K in keyof typeof CONFIG_OPTIONS]?: (typeof CONFIG_OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

const TITLES: Record<string, (id: string) => string> = {
  attach: (id) => `OCI auth attached to identity ${id}`,
  update: (id) => `OCI auth of identity ${id} updated`,
  revoke: (id) => `OCI auth removed from identity ${id}; the tokens it issued are revoked`,
};

/** `ociauth oci-auth get|attach|update|revoke <identityId> …` through the typed tRPC client. */
export async function ociAuthCommand(args: string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) throw new UsageError("missing subcommand (get, attach, update or revoke)", OCI_AUTH_USAGE);
  if (subcommand === "-h" || subcommand === "--help" || subcommand === "help") return io.out(OCI_AUTH_USAGE);
  const usage = OCI_AUTH_SUBCOMMAND_USAGE[subcommand];
  if (usage === undefined) throw new UsageError(`unknown oci-auth subcommand ${JSON.stringify(subcommand)}`, OCI_AUTH_USAGE);

  const withConfig = subcommand === "attach" || subcommand === "update";
  const { values, positionals } = parseCommandArgs(rest, withConfig ? CONFIG_OPTIONS : AUTHED_OPTIONS, usage);
  if (values.help) return io.out(usage);
  const [identityId, extra] = positionals;
  if (identityId === undefined) throw new UsageError("missing <identityId>", usage);
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, usage);
  const token = values.token || io.env.OCIAUTH_TOKEN;
  if (!token) throw new UsageError("missing token: pass --token or set OCIAUTH_TOKEN", usage);

  const client = createOciAuthClient({ url: serviceUrl(values.url, io.env), token });
  let result: { identityOciAuth: IdentityOciAuth };
  if (subcommand === "get") result = await client.ociAuth.get.query({ identityId });
  else if (subcommand === "revoke") result = await client.ociAuth.revoke.mutate({ identityId });
  else {
    const config = configFromFlags(values, usage);
    if (subcommand === "attach") {
      if (config.tenancyOcid === undefined) throw new UsageError("missing required option --tenancy-ocid", usage);
      result = await client.ociAuth.attach.mutate({ identityId, ...config, tenancyOcid: config.tenancyOcid });
    } else {
      if (Object.keys(config).length === 0) throw new UsageError("nothing to update: pass at least one configuration option", usage);
      result = await client.ociAuth.update.mutate({ identityId, ...config });
    }
  }
  if (values.json) return io.out(formatJson(result));
  const title = TITLES[subcommand]?.(identityId);
  io.out(title ? `${title}\n\n${formatOciAuth(result.identityOciAuth)}` : formatOciAuth(result.identityOciAuth));
}

/** Only the flags given become fields, so update leaves the others unchanged. */
function configFromFlags(values: ConfigValues, usage: string) {
  const config: ReturnType<typeof tokenConfigFromFlags> & {
    tenancyOcid?: string;
    allowedUsernames?: string | null;
    allowedPrincipalTypes?: OciPrincipalType[] | null;
    allowedCompartmentOcids?: string | null;
    allowedPrincipalOcids?: string | null;
    allowedRegions?: string | null;
  } = tokenConfigFromFlags(values, usage);
  if (values["tenancy-ocid"] !== undefined) config.tenancyOcid = values["tenancy-ocid"];
  if (values["allowed-usernames"] !== undefined)
    config.allowedUsernames = values["allowed-usernames"].trim() === "" ? null : values["allowed-usernames"];
  const types = values["allowed-principal-types"];
  // The server names a wrong type; "" restores the default (users only).
  if (types !== undefined) config.allowedPrincipalTypes = types.trim() === "" ? null : (splitCommaList(types) as OciPrincipalType[]);
  const list = (value: string | undefined) => (value === undefined ? undefined : value.trim() === "" ? null : value);
  const lists = {
    allowedCompartmentOcids: list(values["allowed-compartment-ocids"]),
    allowedPrincipalOcids: list(values["allowed-principal-ocids"]),
    allowedRegions: list(values["allowed-regions"]),
  };
  for (const [field, value] of Object.entries(lists)) if (value !== undefined) config[field as keyof typeof lists] = value;
  return config;
}
