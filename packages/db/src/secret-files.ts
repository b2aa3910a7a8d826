import { readFileSync } from "node:fs";

/**
 * The Docker/Kubernetes secrets convention: `X_FILE=/path` gives X as the content of that file
 * (a mounted secret), surrounding whitespace and the trailing newline trimmed. Returns a new
 * environment with X filled in and X_FILE removed. Setting both X and X_FILE, a file that cannot
 * be read and an empty file are configuration errors, all reported in one Error whose message
 * starts with "Invalid configuration:" (as the server's own configuration check does).
 *
 * It lives here rather than in @ociauth/api because Prisma's CLI (prisma.config.ts, the
 * migration Job) reads DATABASE_URL too; the server's list of secrets is in @ociauth/api.
 */
export function resolveSecretFilesOf(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  const resolved: NodeJS.ProcessEnv = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const fileVariable = `${name}_FILE`;
    const file = env[fileVariable];
    delete resolved[fileVariable];
    // Empty means "not set", as for every other variable.
    if (file === undefined || file === "") continue;
    if (env[name] !== undefined && env[name] !== "") {
      problems.push(`${fileVariable}: ${name} and ${fileVariable} are both set: set one of them`);
      continue;
    }
    let content: string;
    try {
      content = readFileSync(file, "utf8");
    } catch (error) {
      problems.push(`${fileVariable}: cannot read ${file}: ${readFailure(error)}`);
      continue;
    }
    const value = content.trim();
    if (value === "") {
      problems.push(`${fileVariable}: ${file} is empty (it must hold ${name})`);
      continue;
    }
    resolved[name] = value;
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join("\n")}`);
  return resolved;
}

/** Resolves `names` in `env` itself (X set, X_FILE deleted): for process.env, before anything reads it. */
export function applySecretFilesOf(names: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const resolved = resolveSecretFilesOf(env, names);
  for (const name of names) {
    if (resolved[name] !== undefined) env[name] = resolved[name];
    delete env[`${name}_FILE`];
  }
}

function readFailure(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder, not a file";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
