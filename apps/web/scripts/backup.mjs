// `pnpm db:backup <file>`: writes a backup of the configured database (PGLITE_DIR or DATABASE_URL,
// as the server reads them) to <file>. Runs on the built app (`pnpm build` first); in the image:
// `node apps/web/scripts/backup.mjs /backups/ociauth.tar`. See docs/operations.md, "Backup and restore".
import { runBackupCommand } from "@ociauth/api";

process.exitCode = await runBackupCommand(process.argv.slice(2));
