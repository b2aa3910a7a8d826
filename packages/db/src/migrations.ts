/**
 * Start-up migrations: the server checks its own connection for migrations Prisma has not applied
 * yet and starts Prisma's `migrate deploy` only when there are some, so a start on an up-to-date
 * database spends no time on Prisma's CLI. Prisma stays the one that applies (and records)
 * migrations. Exported as `@ociauth/db/migrations`, outside the app's bundle.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, openDatabase, parkDatabase } from "./client";
import { checkDataFolderWritable } from "./pglite";
import { type DatabaseTarget, findWorkspaceRoot, resolveDatabaseTarget, resolveMigrationsDir } from "./database-target";

/** packages/db (Prisma's config and CLI live there), found from the workspace root: this module may run compiled into another package. */
const packageDir = path.join(findWorkspaceRoot(path.dirname(fileURLToPath(import.meta.url))), "packages", "db");

/** Prisma's bookkeeping table, in the schema its CLI uses with our adapters. */
const MIGRATIONS_TABLE = `"public"."_prisma_migrations"`;

export interface MigrationFolder {
  /** The folder name, which is the migration's name in `_prisma_migrations`. */
  name: string;
  /** The bytes of its migration.sql, or null when the file is missing. */
  script: Buffer | null;
}

/** The migration folders of `dir`, sorted by name as Prisma applies them. */
export function readMigrationFolders(dir: string = resolveMigrationsDir()): MigrationFolder[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      return { name, script: existsSync(file) ? readFileSync(file) : null };
    });
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest();

/**
 * Prisma's comparison of a migration script with the checksum recorded when it was applied: the
 * hex SHA-256 of the script, whatever its line endings (LF or CRLF), and without zero padding in
 * checksums written by old Prisma versions.
 */
export function scriptMatchesChecksum(script: Buffer, checksum: string): boolean {
  const text = script.toString("utf8");
  const variants = [script, text.replaceAll("\r\n", "\n"), text.replaceAll("\n", "\r\n")];
  return variants.some((variant) => {
    const digest = sha256(variant);
    const hex = checksum.length === 64 || checksum === "" ? digest.toString("hex") : [...digest].map((b) => b.toString(16)).join("");
    return hex === checksum;
  });
}

export interface MigrationState {
  /** False when Prisma never migrated this database (no `_prisma_migrations` table). */
  initialized: boolean;
  /** Folders without a record that is not rolled back: what `prisma migrate deploy` applies. */
  pending: string[];
  /** Migrations that started but neither finished nor were rolled back: deploy refuses to go on. */
  failed: string[];
  /** Applied migrations whose migration.sql no longer matches the checksum recorded then. */
  modified: string[];
}

interface MigrationRecord {
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
}

/** Runs `sql` on the database's own driver: Prisma's client would first load its query compiler. */
async function query<T>(database: Database, sql: string): Promise<T[]> {
  if (database.pglite) return (await database.pglite.query<T>(sql)).rows;
  if (database.pool) return (await database.pool.query(sql)).rows as T[];
  return database.prisma.$queryRawUnsafe<T[]>(sql);
}

/** Compares the migration folders with `_prisma_migrations`, as `prisma migrate deploy` does. */
export async function readMigrationState(database: Database, folders: MigrationFolder[]): Promise<MigrationState> {
  const [row] = await query<{ initialized: boolean }>(database, `SELECT to_regclass('${MIGRATIONS_TABLE}') IS NOT NULL AS initialized`);
  const initialized = row?.initialized === true;
  const records = initialized
    ? await query<MigrationRecord>(
        database,
        `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS "rolledBack" FROM ${MIGRATIONS_TABLE}`,
      )
    : [];
  const live = records.filter((record) => !record.rolledBack);
  return {
    initialized,
    pending: folders.filter((folder) => !live.some((record) => record.name === folder.name)).map((folder) => folder.name),
    failed: live.filter((record) => !record.finished).map((record) => record.name),
    modified: folders
      .filter((folder) =>
        live.some(
          (record) =>
            record.name === folder.name && record.finished && !(folder.script && scriptMatchesChecksum(folder.script, record.checksum)),
        ),
      )
      .map((folder) => folder.name),
  };
}

const isUpToDate = (state: MigrationState) => state.pending.length === 0 && state.failed.length === 0;

/** An applied migration was edited afterwards: the database may not match the migrations any more. */
export class ModifiedMigrationError extends Error {
  constructor(
    readonly names: string[],
    readonly migrationsDir: string,
  ) {
    const files = names.map((name) => path.join(migrationsDir, name, "migration.sql"));
    const updates = names.flatMap((name, i) =>
      existsSync(files[i]!)
        ? [
            `UPDATE _prisma_migrations SET checksum = '${sha256(readFileSync(files[i]!)).toString("hex")}' WHERE migration_name = '${name}';`,
          ]
        : [],
    );
    super(
      `${names.length === 1 ? "A migration was" : "Migrations were"} changed after being applied to this database: ${files.join(", ")} ` +
        `no longer ${names.length === 1 ? "matches" : "match"} the checksum recorded in _prisma_migrations, so the database may not be what the migrations describe. ` +
        `Restore the applied version (e.g. from version control) and put further changes in a new migration. ` +
        (updates.length > 0
          ? `If the edit changes nothing the migration did (a comment, formatting), record the new checksum instead: ${updates.join(" ")}`
          : ""),
    );
    this.name = "ModifiedMigrationError";
  }
}

export class MigrationFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationFailedError";
  }
}

export interface DeployOptions {
  migrationsDir: string;
  /** "inherit" (default) shows Prisma's output; "pipe" collects it for the error message. */
  stdio?: "inherit" | "pipe";
  /** Receives Prisma's output line by line instead (stdio "pipe"), e.g. to log each as JSON. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

/** Calls `onLine` for each complete line of `stream`'s output, and for the last one when it ends. */
function forEachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let rest = "";
  stream.on("data", (data: Buffer | string) => {
    const lines = (rest + String(data)).split(/\r?\n/);
    rest = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(line);
  });
  stream.on("end", () => {
    if (rest.trim()) onLine(rest);
    rest = "";
  });
}

/** Runs Prisma's `migrate deploy` (packages/db/prisma.config.ts) on `target` in a child process. */
export async function runPrismaMigrateDeploy(target: DatabaseTarget, options: DeployOptions): Promise<void> {
  const cli = path.join(
    path.dirname(createRequire(path.join(packageDir, "package.json")).resolve("prisma/package.json")),
    "build",
    "index.js",
  );
  const env = {
    ...process.env,
    DATABASE_URL: target.kind === "postgres" ? target.url : "",
    DATABASE_URL_FILE: "", // the target is resolved already
    PGLITE_DIR: target.kind === "pglite" ? target.dataDir : "",
    OCIAUTH_MIGRATIONS_DIR: options.migrationsDir,
  };
  const child = spawn(process.execPath, [cli, "migrate", "deploy", "--config", "prisma.config.ts"], {
    cwd: packageDir,
    env,
    stdio: options.stdio === "pipe" || options.onLine ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  let output = "";
  child.stdout?.on("data", (data) => (output += data));
  child.stderr?.on("data", (data) => (output += data));
  const { onLine } = options;
  if (onLine) {
    forEachLine(child.stdout, (line) => onLine(line, "stdout"));
    forEachLine(child.stderr, (line) => onLine(line, "stderr"));
  }
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  if (code !== 0) {
    throw new MigrationFailedError(
      `prisma migrate deploy failed (exit code ${code})${output ? `:\n${output.trim()}` : ", see its output above."}`,
    );
  }
}

export interface MigrateOptions {
  /** Defaults to resolveMigrationsDir() (prisma/migrations). */
  migrationsDir?: string;
  /** Defaults to runPrismaMigrateDeploy; tests count or replace it. */
  deploy?: (target: DatabaseTarget, options: DeployOptions) => Promise<void>;
  /** Where Prisma's output goes (see DeployOptions). */
  stdio?: "inherit" | "pipe";
  onLine?: DeployOptions["onLine"];
  log?: (message: string) => void;
}

export interface MigrationReport {
  /** Migrations Prisma applied now (empty when the database was up to date). */
  applied: string[];
  /** Whether `prisma migrate deploy` ran. */
  deployed: boolean;
}

const isEmptyFolder = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

/**
 * Opens `target` up to date: reads `_prisma_migrations` through the app's own connection and,
 * only when migrations are pending (or failed, or the database is new), runs Prisma's
 * `migrate deploy`. PGlite allows one process per data folder, so the connection is closed while
 * Prisma's process migrates and opened again after; a new PGlite folder goes to Prisma directly.
 * An applied migration that was edited since is refused (ModifiedMigrationError): Prisma's deploy
 * would silently ignore it.
 */
export async function openMigratedDatabase(
  target: DatabaseTarget = resolveDatabaseTarget(),
  options: MigrateOptions = {},
): Promise<{ database: Database; report: MigrationReport }> {
  const migrationsDir = options.migrationsDir ?? resolveMigrationsDir();
  const deploy = options.deploy ?? runPrismaMigrateDeploy;
  const log = options.log ?? ((message: string) => console.log(message));
  const folders = readMigrationFolders(migrationsDir);
  if (target.kind === "pglite") checkDataFolderWritable(target.dataDir);

  let database: Database | undefined;
  let pending = folders.map((folder) => folder.name);
  if (!(target.kind === "pglite" && isEmptyFolder(target.dataDir))) {
    database = await openDatabase(target);
    try {
      const state = await readMigrationState(database, folders);
      if (state.modified.length > 0) throw new ModifiedMigrationError(state.modified, migrationsDir);
      if (isUpToDate(state)) return { database, report: { applied: [], deployed: false } };
      pending = state.pending;
    } catch (error) {
      await database.close();
      throw error;
    }
    if (target.kind === "pglite") {
      await database.close();
      database = undefined;
    }
  }

  log(
    pending.length > 0
      ? `Applying ${pending.length} pending database migration${pending.length === 1 ? "" : "s"}…`
      : "A database migration failed earlier: running Prisma's migrate deploy, which reports it…",
  );
  try {
    await deploy(target, { migrationsDir, stdio: options.stdio, onLine: options.onLine });
    database ??= await openDatabase(target);
    const state = await readMigrationState(database, folders);
    if (!isUpToDate(state)) {
      throw new MigrationFailedError(
        `prisma migrate deploy ended, but ${[...state.pending, ...state.failed].join(", ")} ${state.pending.length + state.failed.length === 1 ? "is" : "are"} still not applied.`,
      );
    }
    const applied = pending.filter((name) => !state.pending.includes(name));
    return { database, report: { applied, deployed: true } };
  } catch (error) {
    await database?.close();
    throw error;
  }
}

/**
 * The server's start: openMigratedDatabase, keeping the connection for the next openDatabase()
 * of the same target in this process, so an up-to-date PGlite folder is opened once.
 */
export async function migrateDatabase(
  target: DatabaseTarget = resolveDatabaseTarget(),
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const { database, report } = await openMigratedDatabase(target, options);
  parkDatabase(database);
  return report;
}
