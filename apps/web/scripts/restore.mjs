// `pnpm db:restore <file> [--force]`: restores a backup written by backup.mjs into the configured
// database (PGLITE_DIR or DATABASE_URL). Stop every server first. See docs/operations.md, "Backup and restore".
import { runRestoreCommand } from "@ociauth/api";

process.exitCode = await runRestoreCommand(process.argv.slice(2));
