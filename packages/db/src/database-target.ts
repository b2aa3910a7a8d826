import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

/** The folder holding pnpm-workspace.yaml, so the CLI, the app and scripts agree on one data folder. */
export function findWorkspaceRoot(start = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

export const DEFAULT_PGLITE_DIR = path.join(".data", "pglite");

/**
 * `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise PGlite in `PGLITE_DIR`
 * (default `<workspace>/.data/pglite`). A relative `PGLITE_DIR` is taken from the workspace root.
 */
export function resolveDatabaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error(
        `DATABASE_URL must be a postgres:// or postgresql:// URL (got "${url.split(":")[0]}:…"). Unset it to use the embedded PGlite database.`,
      );
    }
    return { kind: "postgres", url };
  }
  const root = findWorkspaceRoot();
  const dir = env.PGLITE_DIR?.trim() || DEFAULT_PGLITE_DIR;
  return { kind: "pglite", dataDir: path.resolve(root, dir) };
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === "pglite") return `PGlite (embedded) at ${target.dataDir}`;
  const u = new URL(target.url);
  return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/**
 * The migrations folder Prisma's CLI (prisma.config.ts) and the start-up check read:
 * `<workspace>/prisma/migrations`, or `OCIAUTH_MIGRATIONS_DIR` (tests use copies), relative to the
 * workspace root like `PGLITE_DIR`.
 */
export function resolveMigrationsDir(env: NodeJS.ProcessEnv = process.env, start = path.dirname(fileURLToPath(import.meta.url))): string {
  return path.resolve(findWorkspaceRoot(start), env.OCIAUTH_MIGRATIONS_DIR?.trim() || path.join("prisma", "migrations"));
}
