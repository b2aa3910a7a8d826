import { describeTarget, resolveDatabaseTarget } from "@ociauth/db";
import { openMigratedDatabase } from "@ociauth/db/migrations";
import { loadConfig } from "../core/config";
import { flushLogsSync, getLifecycleLogger } from "../core/logger";
import { applySecretFiles } from "../core/secret-files";
import { migrationLogOptions } from "./migration-log";

/**
 * The migration step on its own (the image's migration Job, `node apps/web/scripts/migrate.mjs`):
 * the server's configuration checks, then the pending migrations applied by Prisma's
 * `migrate deploy`, nothing when the database is up to date. Every line it writes (Prisma's
 * included) is a JSON log line; returns what it did, in words (also logged).
 */
export async function runMigrationStep(): Promise<string> {
  applySecretFiles();
  loadConfig(); // the same checks as the server's start, before the database is touched
  const target = resolveDatabaseTarget();
  const logger = getLifecycleLogger();
  logger.info({ database: describeTarget(target) }, `Checking database migrations: ${describeTarget(target)}`);
  const { database, report } = await openMigratedDatabase(target, migrationLogOptions());
  await database.close();
  const outcome =
    report.applied.length > 0
      ? `Applied ${report.applied.length} migration${report.applied.length === 1 ? "" : "s"}: ${report.applied.join(", ")}`
      : "The database is up to date: no migration was pending.";
  logger.info({ applied: report.applied }, outcome);
  flushLogsSync();
  return outcome;
}
