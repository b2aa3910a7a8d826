// Applies pending migrations (Prisma's own migrate) to the configured database: PGlite by default,
// PostgreSQL when DATABASE_URL (or DATABASE_URL_FILE) is set; nothing when it is up to date. The
// server does the same at start; this is the step on its own, for a migration Job before a rolling
// upgrade. Not beside a server using the same PGlite folder: one process per folder. What it does
// (Prisma's output included) is written as JSON log lines on stdout; a failure goes to stderr.
import { runMigrationStep } from "@ociauth/api";

try {
  await runMigrationStep();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error("Database migration failed: nothing else was changed.");
  process.exit(1);
}
