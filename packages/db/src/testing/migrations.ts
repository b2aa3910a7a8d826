import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { findWorkspaceRoot } from "../database-target";

/** The SQL of every migration in prisma/migrations, in order (test set-up; the app uses prisma migrate). */
export function readMigrationScripts(): string[] {
  const dir = path.join(findWorkspaceRoot(path.dirname(new URL(import.meta.url).pathname)), "prisma", "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
}
