import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "../client";
import { resolveMigrationsDir } from "../database-target";
import { openPGlite } from "../pglite";

function migrationNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The SQL of every migration in prisma/migrations, in order (test set-up; the app uses prisma migrate). */
export function readMigrationScripts(dir = resolveMigrationsDir()): string[] {
  return migrationNames(dir).map((name) => readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
}

export interface MigrationSnapshot {
  /** Tables of the public schema. */
  tables: string[];
  /** The rows of _prisma_migrations. */
  migrations: { name: string; checksum: string; finished: boolean; rolledBack: boolean; steps: number }[];
}

/** What a database holds of its migrations: its tables and Prisma's records. */
export async function snapshotMigrations(database: Database): Promise<MigrationSnapshot> {
  const tables = await database.prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const migrations = await database.prisma.$queryRawUnsafe<MigrationSnapshot["migrations"]>(
    `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS "rolledBack",
            applied_steps_count AS steps
       FROM _prisma_migrations`,
  );
  return {
    tables: tables.map((table) => table.name).sort(),
    migrations: migrations.sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

/**
 * What snapshotMigrations finds once Prisma applied every migration in `dir`: the tables the
 * scripts create (run here on an in-memory PGlite) plus _prisma_migrations, and one finished
 * record per folder with the SHA-256 of its migration.sql.
 */
export async function expectedMigrationSnapshot(dir = resolveMigrationsDir()): Promise<MigrationSnapshot> {
  const reference = await openPGlite();
  try {
    for (const sql of readMigrationScripts(dir)) await reference.exec(sql);
    const { rows } = await reference.query<{ name: string }>(
      `SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    return {
      tables: [...rows.map((row) => row.name), "_prisma_migrations"].sort(),
      migrations: migrationNames(dir).map((name) => ({
        name,
        checksum: createHash("sha256")
          .update(readFileSync(path.join(dir, name, "migration.sql")))
          .digest("hex"),
        finished: true,
        rolledBack: false,
        steps: 1,
      })),
    };
  } finally {
    await reference.close();
  }
}
