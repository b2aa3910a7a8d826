import { describeTarget, resolveDatabaseTarget } from "@ociauth/db";
import { openMigratedDatabase } from "@ociauth/db/migrations";
import { loadConfig } from "../core/config";
import { applySecretFiles } from "../core/secret-files";

/**
 * The migration step on its own (the image's migration Job, `node apps/web/scripts/migrate.mjs`):
 * the server's configuration checks, then the pending migrations applied by Prisma's
 * `migrate deploy`, nothing when the database is up to date. Returns what it did, in words.
 */
export async function runMigrationStep(): Promise<string> {
  applySecretFiles();
  loadConfig(); // the same checks as the server's start, before the database is touched
  const target = resolveDatabaseTarget();
  console.log(`Checking database migrations: ${describeTarget(target)}`);
  const { database, report } = await openMigratedDatabase(target);
  await database.close();
  return report.applied.length > 0
    ? `Applied ${report.applied.length} migration${report.applied.length === 1 ? "" : "s"}: ${report.applied.join(", ")}`
    : "The database is up to date: no migration was pending.";
}
