import path from "node:path";

/** The repository root. */
export const repoRoot = path.resolve(import.meta.dirname, "../../../..");

export interface Instruction {
  /** The `AS` name of the stage it belongs to. */
  stage: string;
  op: string;
  args: string;
}

/** A Dockerfile's instructions, continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  let stage = "";
  return logical.map((line) => {
    const [, op = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op.toUpperCase() === "FROM") stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? "";
    return { stage, op: op.toUpperCase(), args };
  });
}

/** COPY's flags, sources and destination (shell form). */
export function parseCopy(args: string) {
  const words = args.split(/\s+/);
  const flags = Object.fromEntries(words.filter((w) => w.startsWith("--")).map((w) => w.slice(2).split("=") as [string, string]));
  const paths = words.filter((w) => !w.startsWith("--"));
  return { from: flags.from, chown: flags.chown, sources: paths.slice(0, -1), destination: paths.at(-1)! };
}

/** ENV instructions as a record (KEY=value form). */
export function envOf(instructions: Instruction[]): Record<string, string> {
  return Object.fromEntries(
    instructions
      .filter((i) => i.op === "ENV")
      .flatMap((i) => [...i.args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const)),
  );
}
