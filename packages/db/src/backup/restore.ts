import { createReadStream, existsSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { type DatabaseTarget, describeTarget } from "../database-target";
import { lockDataFolder } from "../folder-lock";
import { checkDataFolderWritable, openPGlite } from "../pglite";
import { readArchive } from "./archive";
import { type Inventory, type RowQuery, takeInventory } from "./inventory";
import {
  type BackupManifest,
  countDifferences,
  MANIFEST_ENTRY,
  parseManifest,
  PGLITE_ENTRY,
  POSTGRES_ENTRY,
  SECRET_ENTRY,
} from "./manifest";
import { libpqEnvironment, runPostgresTool } from "./postgres-tools";

/** A conninfo value in single quotes: pg_restore takes the database name as conninfo, never as a bare name that could hold "=". */
const conninfoQuote = (value: string) => `'${value.replace(/['\\]/g, "\\$&")}'`;

export interface RestoreOptions {
  target: DatabaseTarget;
  file: string;
  /** Replace a database that is there (PGlite: moved aside; PostgreSQL: the backup's objects dropped and created again). */
  force?: boolean;
  /** Where the embedded database at a folder keeps its generated root secret file. */
  secretFileFor?: (dataDir: string) => string;
  progress?: (line: string) => void;
}

export interface RestoreResult {
  durationMs: number;
  manifest: BackupManifest;
  /** What was restored, counted in the restored database (equal to the manifest's counts). */
  restored: Inventory;
  /** PGlite with force: where the database that was there was moved. */
  movedAside?: string;
  /** The generated root secret file written from the backup. */
  secretFile?: string;
}

/** The target holds a database and `force` was not given, or the backup is of the other kind of database. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefusedError";
  }
}

/**
 * Restores a backup written by backupDatabase into the configured database, after checking the
 * file against its checksums, and compares the restored row counts with the backup's manifest.
 * Refuses a target that already holds data unless `force`.
 */
export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const progress = options.progress ?? (() => undefined);
  const file = path.resolve(options.file);
  progress(`Checking ${file}…`);
  const archive = readArchive(file);
  try {
    const manifest = parseManifest(file, archive.read(MANIFEST_ENTRY));
    const { target } = options;
    if (manifest.database !== target.kind) {
      const kinds = { pglite: "the embedded PGlite database", postgres: "PostgreSQL" };
      throw new RestoreRefusedError(
        `${file} is a backup of ${kinds[manifest.database]}, but the configured database is ${describeTarget(target)}. ` +
          `Restore it with the same kind of database configured (${manifest.database === "pglite" ? "PGLITE_DIR, no DATABASE_URL" : "DATABASE_URL"}).`,
      );
    }
    progress(`Backup of ${manifest.source}, taken ${manifest.createdAt}; restoring into ${describeTarget(target)}…`);
    const result =
      target.kind === "pglite"
        ? await restorePglite(
            target.dataDir,
            manifest,
            archive.read(PGLITE_ENTRY),
            archive.entries.has(SECRET_ENTRY) ? archive.read(SECRET_ENTRY) : null,
            options,
          )
        : await restorePostgres(target.url, file, archive.entries.get(POSTGRES_ENTRY), options.force ?? false, progress);
    const differences = countDifferences(manifest.tables, result.restored.tables);
    if (differences.length > 0) throw new Error(`The restored database does not match the backup: ${differences.join("; ")}.`);
    return { ...result, manifest, durationMs: Date.now() - started };
  } finally {
    archive.close();
  }
}

const inventoryOf = (query: RowQuery) => takeInventory(query);

async function restorePglite(
  dataDir: string,
  manifest: BackupManifest,
  dump: Buffer,
  secret: Buffer | null,
  options: RestoreOptions,
): Promise<Omit<RestoreResult, "manifest" | "durationMs">> {
  const progress = options.progress ?? (() => undefined);
  const secretFileFor = options.secretFileFor ?? ((dir: string) => `${dir}.auth-secret`);
  const secretFile = secretFileFor(dataDir);
  checkDataFolderWritable(dataDir); // creates the parent folder, or says clearly why it cannot
  // The same lock as a server's: no server can open the folder while it is replaced.
  const release = lockDataFolder(dataDir);
  try {
    const existing = existsSync(dataDir) && readdirSync(dataDir).length > 0;
    const existingSecret = existsSync(secretFile);
    if ((existing || existingSecret) && !options.force) {
      throw new RestoreRefusedError(
        `${existing ? `${dataDir} already holds a database` : `The root secret file ${secretFile} exists`}. ` +
          `Restore into an empty PGLITE_DIR, or pass --force to replace it (what is there is moved aside, not deleted).`,
      );
    }
    const staging = `${dataDir}.restoring-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    progress(`Unpacking the data folder (${manifest.migrations.length} migrations, ${Object.keys(manifest.tables).length} tables)…`);
    let restored: Inventory;
    try {
      const db = await openPGlite(staging, { loadDataDir: new Blob([new Uint8Array(dump)]) });
      try {
        restored = await inventoryOf(async <Row>(sql: string) => (await db.query<Row>(sql)).rows);
      } finally {
        await db.close();
      }
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    let movedAside: string | undefined;
    if (existing || existingSecret) {
      movedAside = `${dataDir}.replaced-${new Date()
        .toISOString()
        .replaceAll(":", "-")
        .replace(/\.\d+Z$/, "Z")}`;
      if (existing) renameSync(dataDir, movedAside);
      if (existingSecret) renameSync(secretFile, secretFileFor(movedAside));
    }
    if (existsSync(dataDir)) rmdirSync(dataDir); // empty
    renameSync(staging, dataDir);
    if (secret) {
      const temporary = `${secretFile}.restoring-${process.pid}`;
      writeFileSync(temporary, secret, { mode: 0o600 });
      renameSync(temporary, secretFile);
    }
    return { restored, movedAside, secretFile: secret ? secretFile : undefined };
  } finally {
    release();
  }
}

async function restorePostgres(
  url: string,
  file: string,
  entry: { offset: number; size: number } | undefined,
  force: boolean,
  progress: (line: string) => void,
): Promise<Omit<RestoreResult, "manifest" | "durationMs">> {
  if (!entry) throw new RestoreRefusedError(`${file} has no ${POSTGRES_ENTRY}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [{ relations, others }] = (
      await client.query<{ relations: number; others: number }>(
        `SELECT (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')) AS relations,
                (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) AS others`,
      )
    ).rows as [{ relations: number; others: number }];
    if (relations > 0 && !force) {
      throw new RestoreRefusedError(
        `The database ${describeTarget({ kind: "postgres", url })} is not empty (${relations} tables, views or sequences in its public schema). ` +
          `Restore into an empty database (drop and create it), or pass --force to replace the objects the backup holds, in one transaction.`,
      );
    }
    if (others > 0) progress(`Warning: ${others} other connection(s) to this database: stop every server before restoring.`);
    progress("Running pg_restore (one transaction: all or nothing)…");
    const restore = runPostgresTool(
      "pg_restore",
      [
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        `--dbname=dbname=${conninfoQuote(libpqEnvironment(url).PGDATABASE ?? "")}`,
      ],
      url,
    );
    createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1 }).pipe(restore.child.stdin);
    restore.child.stdout.resume();
    await restore.done;
    const restored = await inventoryOf(async <Row>(sql: string) => (await client.query(sql)).rows as Row[]);
    return { restored };
  } finally {
    await client.end().catch(() => undefined);
  }
}
