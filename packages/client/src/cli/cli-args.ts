import { parseArgs, type ParseArgsConfig } from "node:util";

/** Wrong usage: exit 2 with the message and the command's usage on stderr. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

/** node:util parseArgs (strict), with its errors turned into UsageError. */
export function parseCommandArgs<const T extends Options>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : message, usage);
  }
}

/** A whole number of at least 0 from a flag's text. */
export function parseCount(flag: string, value: string, usage: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`--${flag} must be a whole number of at least 0, got ${JSON.stringify(value)}`, usage);
  return Number(value.trim());
}

export function requireFlags(values: Record<string, unknown>, flags: string[], usage: string): void {
  const missing = flags.filter((flag) => values[flag] === undefined || values[flag] === "");
  if (missing.length > 0)
    throw new UsageError(`missing required option${missing.length > 1 ? "s" : ""} ${missing.map((f) => `--${f}`).join(", ")}`, usage);
}

export const DEFAULT_URL = "http://localhost:3000";

export function serviceUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env.OCIAUTH_URL || DEFAULT_URL;
}
