/**
 * `node apps/web/scripts/backup.mjs <file>` and `restore.mjs <file> [--force]` (root: `pnpm db:backup`,
 * `pnpm db:restore`): back up and restore the configured database with the server's own
 * configuration (PGLITE_DIR or DATABASE_URL, secrets as *_FILE). Return the exit code.
 */
import {
  type BackupManifest,
  backupDatabase,
  DataFolderInUseError,
  describeTarget,
  type DatabaseTarget,
  resolveDatabaseTarget,
  restoreDatabase,
} from "@ociauth/db";
import path from "node:path";
import { readMigrationFolders } from "@ociauth/db/migrations";
import { applySecretFiles } from "../core/secret-files";
import { generatedSecretFile } from "../services/keys/root-secret";

export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: CommandOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

const BACKUP_USAGE = `Usage: node apps/web/scripts/backup.mjs <file>   (pnpm db:backup <file>)

Writes a backup of the configured database (PGLITE_DIR, or DATABASE_URL) to <file>, mode 0600.
Embedded PGlite: stop the server first (the backup takes the data folder's lock).
PostgreSQL: pg_dump (PostgreSQL's client tools) must be on PATH; servers may keep running.`;

const RESTORE_USAGE = `Usage: node apps/web/scripts/restore.mjs <file> [--force]   (pnpm db:restore <file> [--force])

Restores a backup written by backup.mjs into the configured database (PGLITE_DIR, or DATABASE_URL).
Stop every server first. The target must be empty unless --force: an embedded database that is
there is then moved aside; on PostgreSQL the backup's objects are dropped and created again.`;

function parseArgs(argv: string[], usage: string, flags: string[], io: CommandOutput): { file: string; flags: Set<string> } | number {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(usage);
    return 0;
  }
  const unknown = argv.filter((arg) => arg.startsWith("-") && !flags.includes(arg));
  const files = argv.filter((arg) => !arg.startsWith("-"));
  if (unknown.length > 0 || files.length !== 1) {
    io.err(unknown.length > 0 ? `Unknown option ${unknown[0]}.` : files.length === 0 ? "Name the backup file." : "Name one backup file.");
    io.err(usage);
    return 2;
  }
  // `pnpm db:backup` runs in the workspace root: a relative file is taken from where pnpm was started.
  return {
    file: path.resolve(process.env.INIT_CWD ?? process.cwd(), files[0]!),
    flags: new Set(argv.filter((arg) => flags.includes(arg))),
  };
}

/** The server's configuration of the database, with X_FILE secrets read: what the server would open. */
function configuredTarget(): DatabaseTarget {
  applySecretFiles();
  return resolveDatabaseTarget();
}

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describeContents(manifest: BackupManifest): string[] {
  const last = manifest.migrations.at(-1);
  const rows = Object.entries(manifest.tables)
    .filter(([name]) => name !== "_prisma_migrations")
    .map(([name, count]) => `${name} ${count}`);
  return [`  schema:   ${manifest.migrations.length} migrations${last ? `, the last ${last}` : ""}`, `  rows:     ${rows.join(", ")}`];
}

function secretAdvice(target: DatabaseTarget, manifest: BackupManifest): string {
  if (manifest.authSecretFile) {
    return "  secret:   the generated root secret file is in the backup: whoever has the file can unwrap the signing keys. Keep it encrypted, like the secret itself.";
  }
  const why = target.kind === "postgres" ? "on PostgreSQL the root secret (AUTH_SECRET)" : "AUTH_SECRET is set: it";
  return `  secret:   ${why} is not in the backup. Keep it separately: a restore needs it to unwrap the signing keys.`;
}

function failure(error: unknown, io: CommandOutput, what: "backup" | "restore"): number {
  if (error instanceof DataFolderInUseError) {
    io.err(
      `Stop the server first: the embedded database in ${error.dataDir} is in use by pid ${error.holderPid}, and PGlite allows one process per data folder. ` +
        `Run the ${what} again once it has stopped, then start the server.`,
    );
  } else {
    io.err(error instanceof Error ? error.message : String(error));
  }
  io.err(what === "backup" ? "No backup was written." : "Nothing was restored.");
  return 1;
}

export async function runBackupCommand(argv: string[], io: CommandOutput = consoleOutput): Promise<number> {
  const args = parseArgs(argv, BACKUP_USAGE, [], io);
  if (typeof args === "number") return args;
  try {
    const target = configuredTarget();
    io.out(`Backing up ${describeTarget(target)} to ${args.file}`);
    const result = await backupDatabase({
      target,
      file: args.file,
      secretFile: target.kind === "pglite" && !process.env.AUTH_SECRET ? generatedSecretFile(target.dataDir) : undefined,
      progress: io.out,
    });
    io.out(`Backup written: ${result.file} (${size(result.bytes)}, mode 0600) in ${seconds(result.durationMs)}`);
    io.out(
      `  contents: ${Object.entries(result.entries)
        .map(([name, bytes]) => `${name} (${size(bytes)})`)
        .join(", ")}, SHA256SUMS`,
    );
    for (const line of describeContents(result.manifest)) io.out(line);
    io.out(secretAdvice(target, result.manifest));
    return 0;
  } catch (error) {
    return failure(error, io, "backup");
  }
}

export async function runRestoreCommand(argv: string[], io: CommandOutput = consoleOutput): Promise<number> {
  const args = parseArgs(argv, RESTORE_USAGE, ["--force"], io);
  if (typeof args === "number") return args;
  try {
    const target = configuredTarget();
    const result = await restoreDatabase({
      target,
      file: args.file,
      force: args.flags.has("--force"),
      secretFileFor: generatedSecretFile,
      progress: io.out,
    });
    io.out(`Restored into ${describeTarget(target)} in ${seconds(result.durationMs)}; the row counts match the backup's.`);
    for (const line of describeContents(result.manifest)) io.out(line);
    if (result.secretFile) io.out(`  secret:   the generated root secret file was restored to ${result.secretFile} (mode 0600)`);
    else io.out("  secret:   not in the backup: start the server with the AUTH_SECRET it was taken with.");
    if (result.movedAside)
      io.out(`  replaced: the database that was there is now ${result.movedAside}; delete it once you no longer need it.`);
    io.out(migrationAdvice(result.manifest.migrations));
    return 0;
  } catch (error) {
    return failure(error, io, "restore");
  }
}

/** How the backup's schema compares with this release's migrations. */
function migrationAdvice(applied: string[]): string {
  const known = readMigrationFolders().map((folder) => folder.name);
  if (known.length === 0) return "Start the server: it applies any migrations the backup does not have yet.";
  const unknown = applied.filter((name) => !known.includes(name));
  const pending = known.filter((name) => !applied.includes(name));
  if (unknown.length > 0) {
    return `Warning: the backup is from a newer release (migrations this release does not know: ${unknown.join(", ")}). Run that release or a newer one on it.`;
  }
  if (pending.length > 0)
    return `The server applies ${pending.length} newer migration(s) when it starts (the backup is from an older release).`;
  return "The backup's schema is this release's: start the server.";
}
