import { createOciAuthClient } from "../create-client";
import { AUTHED_OPTIONS, configFromFlags, TOKEN_CONFIG_OPTIONS, type TokenConfigFlags } from "./config-flags";
import { parseCommandArgs, parseCount, serviceUrl, UsageError } from "./cli-args";
import type { CliIo } from "./cli-io";
import { formatJson, formatTokenAuth, formatTokenAuthTokens, formatTable } from "./format";
import { TOKEN_AUTH_SUBCOMMAND_USAGE, TOKEN_AUTH_TOKENS_SUBCOMMAND_USAGE, TOKEN_AUTH_TOKENS_USAGE, TOKEN_AUTH_USAGE } from "./usage";

const TITLES: Record<string, (id: string) => string> = {
  attach: (id) => `Token Auth attached to identity ${id}`,
  update: (id) => `Token Auth of identity ${id} updated`,
  revoke: (id) => `Token Auth removed from identity ${id}; the tokens it created are revoked`,
};

const isHelp = (word: string) => word === "-h" || word === "--help" || word === "help";

function clientFor(values: { url?: string; token?: string }, io: CliIo, usage: string) {
  const token = values.token || io.env.OCIAUTH_TOKEN;
  if (!token) throw new UsageError("missing token: pass --token or set OCIAUTH_TOKEN", usage);
  return createOciAuthClient({ url: serviceUrl(values.url, io.env), token });
}

/** Exactly `count` positionals, named in `names` for the error. */
function positionalsOf(positionals: string[], names: string[], usage: string): string[] {
  const missing = names[positionals.length];
  if (missing !== undefined) throw new UsageError(`missing <${missing}>`, usage);
  const extra = positionals[names.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, usage);
  return positionals;
}

/** `ociauth token-auth get|attach|update|revoke <identityId>` and `ociauth token-auth tokens …`. */
export async function tokenAuthCommand(args: string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) throw new UsageError("missing subcommand (get, attach, update, revoke or tokens)", TOKEN_AUTH_USAGE);
  if (isHelp(subcommand)) return io.out(TOKEN_AUTH_USAGE);
  if (subcommand === "tokens") return tokensCommand(rest, io);
  const usage = TOKEN_AUTH_SUBCOMMAND_USAGE[subcommand];
  if (usage === undefined) throw new UsageError(`unknown token-auth subcommand ${JSON.stringify(subcommand)}`, TOKEN_AUTH_USAGE);

  const withConfig = subcommand === "attach" || subcommand === "update";
  const { values, positionals } = parseCommandArgs(rest, withConfig ? TOKEN_CONFIG_OPTIONS : AUTHED_OPTIONS, usage);
  if (values.help) return io.out(usage);
  const [identityId] = positionalsOf(positionals, ["identityId"], usage) as [string];
  const client = clientFor(values, io, usage);
  let result;
  if (subcommand === "get") result = await client.tokenAuth.get.query({ identityId });
  else if (subcommand === "revoke") result = await client.tokenAuth.revoke.mutate({ identityId });
  else {
    const config = configFromFlags(values as TokenConfigFlags, usage);
    if (subcommand === "attach") result = await client.tokenAuth.attach.mutate({ identityId, ...config });
    else {
      if (Object.keys(config).length === 0) throw new UsageError("nothing to update: pass at least one configuration option", usage);
      result = await client.tokenAuth.update.mutate({ identityId, ...config });
    }
  }
  if (values.json) return io.out(formatJson(result));
  const title = TITLES[subcommand]?.(identityId);
  io.out(title ? `${title}\n\n${formatTokenAuth(result.identityTokenAuth)}` : formatTokenAuth(result.identityTokenAuth));
}

const CREATE_OPTIONS = { ...AUTHED_OPTIONS, name: { type: "string" } } as const;
const LIST_OPTIONS = { ...AUTHED_OPTIONS, offset: { type: "string" }, limit: { type: "string" } } as const;

/** `ociauth token-auth tokens create|list|rename|revoke …`. */
async function tokensCommand(args: string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) throw new UsageError("missing subcommand (create, list, rename or revoke)", TOKEN_AUTH_TOKENS_USAGE);
  if (isHelp(subcommand)) return io.out(TOKEN_AUTH_TOKENS_USAGE);
  const usage = TOKEN_AUTH_TOKENS_SUBCOMMAND_USAGE[subcommand];
  if (usage === undefined)
    throw new UsageError(`unknown token-auth tokens subcommand ${JSON.stringify(subcommand)}`, TOKEN_AUTH_TOKENS_USAGE);

  if (subcommand === "create") {
    const { values, positionals } = parseCommandArgs(rest, CREATE_OPTIONS, usage);
    if (values.help) return io.out(usage);
    const [identityId] = positionalsOf(positionals, ["identityId"], usage) as [string];
    const created = await clientFor(values, io, usage).tokenAuth.createToken.mutate({ identityId, name: values.name });
    // The token alone, for TOKEN=$(…); it is shown only now.
    return io.out(values.json ? formatJson(created) : created.accessToken);
  }
  if (subcommand === "list") {
    const { values, positionals } = parseCommandArgs(rest, LIST_OPTIONS, usage);
    if (values.help) return io.out(usage);
    const [identityId] = positionalsOf(positionals, ["identityId"], usage) as [string];
    const paging = {
      ...(values.offset !== undefined && { offset: parseCount("offset", values.offset, usage) }),
      ...(values.limit !== undefined && { limit: parseCount("limit", values.limit, usage) }),
    };
    const page = await clientFor(values, io, usage).tokenAuth.listTokens.query({ identityId, ...paging });
    return io.out(values.json ? formatJson(page) : formatTokenAuthTokens(page.tokens));
  }
  const { values, positionals } = parseCommandArgs(rest, AUTHED_OPTIONS, usage);
  if (values.help) return io.out(usage);
  if (subcommand === "rename") {
    const [tokenId, name] = positionalsOf(positionals, ["tokenId", "name"], usage) as [string, string];
    const { token } = await clientFor(values, io, usage).tokenAuth.updateToken.mutate({ tokenId, name });
    return io.out(
      values.json
        ? formatJson({ token })
        : formatTable([
            ["id", token.id],
            ["name", token.name ?? ""],
          ]),
    );
  }
  const [tokenId] = positionalsOf(positionals, ["tokenId"], usage) as [string];
  const result = await clientFor(values, io, usage).tokenAuth.revokeToken.mutate({ tokenId });
  io.out(values.json ? formatJson(result) : `Token ${tokenId} revoked`);
}
