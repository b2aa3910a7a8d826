import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { type DatabaseTarget, describeTarget } from "../database-target";
import { openPGlite } from "../pglite";
import { ArchiveWriter } from "./archive";
import { type Inventory, type RowQuery, takeInventory } from "./inventory";
import { type BackupManifest, MANIFEST_ENTRY, PGLITE_ENTRY, POSTGRES_ENTRY, SECRET_ENTRY } from "./manifest";
import { runPostgresTool } from "./postgres-tools";

export interface BackupOptions {
  target: DatabaseTarget;
  /** The backup file to write (replaced atomically when it exists). */
  file: string;
  /** The embedded database's generated root secret file, put in the backup when it exists. */
  secretFile?: string;
  progress?: (line: string) => void;
}

export interface BackupResult {
  file: string;
  bytes: number;
  durationMs: number;
  manifest: BackupManifest;
  /** Entry name → size in bytes. */
  entries: Record<string, number>;
}

/** There is no embedded database at the configured folder: nothing to back up. */
export class NothingToBackUpError extends Error {
  constructor(readonly dataDir: string) {
    super(`There is no embedded database in ${dataDir} (PGLITE_DIR): nothing to back up. Check PGLITE_DIR (or DATABASE_URL).`);
    this.name = "NothingToBackUpError";
  }
}

/**
 * Writes a backup of the configured database to `file`: a tar holding manifest.json, the
 * database (PGlite's data folder, or pg_dump's custom format), the generated root secret file
 * when there is one, and SHA256SUMS. Written to a temporary file beside it (mode 0600) and
 * renamed into place once complete, so `file` is never a partial backup.
 *
 * PGlite: the folder's lock is taken like a server takes it, so this refuses (DataFolderInUseError)
 * while a server has it open. PostgreSQL: pg_dump's consistent snapshot, servers may keep running.
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const progress = options.progress ?? (() => undefined);
  const file = path.resolve(options.file);
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.partial-${process.pid}`);
  const fd = openSync(temporary, "wx", 0o600);
  const entries: Record<string, number> = {};
  let manifest: BackupManifest | undefined;
  try {
    const archive = new ArchiveWriter(fd);
    const writeManifest = (inventory: Inventory, authSecretFile: boolean) => {
      manifest = {
        format: "ociauth-backup",
        formatVersion: 1,
        createdAt: new Date().toISOString(),
        database: options.target.kind,
        source: describeTarget(options.target),
        ...inventory,
        authSecretFile,
      };
      const data = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
      archive.addBuffer(MANIFEST_ENTRY, data);
      entries[MANIFEST_ENTRY] = data.length;
    };
    if (options.target.kind === "pglite") {
      await backupPglite(options.target.dataDir, options.secretFile, archive, writeManifest, entries, progress);
    } else {
      await backupPostgres(options.target.url, archive, writeManifest, entries, progress);
    }
    archive.finish();
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, file);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    unlinkSync(temporary);
    throw error;
  }
  return { file, bytes: statSync(file).size, durationMs: Date.now() - started, manifest: manifest!, entries };
}

type ManifestWriter = (inventory: Inventory, authSecretFile: boolean) => void;

async function backupPglite(
  dataDir: string,
  secretFile: string | undefined,
  archive: ArchiveWriter,
  writeManifest: ManifestWriter,
  entries: Record<string, number>,
  progress: (line: string) => void,
) {
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) throw new NothingToBackUpError(dataDir);
  progress(`Opening the embedded database in ${dataDir} (its lock keeps a server out until the backup is written)…`);
  const db = await openPGlite(dataDir);
  try {
    // Every committed change into the data files, so the copy needs no recovery when restored.
    await db.exec("CHECKPOINT");
    const query: RowQuery = async <Row>(sql: string) => (await db.query<Row>(sql)).rows;
    const inventory = await takeInventory(query);
    const secret = secretFile && existsSync(secretFile) ? readFileSync(secretFile) : null;
    writeManifest(inventory, secret !== null);
    progress(`Copying the data folder (${Object.keys(inventory.tables).length} tables)…`);
    const dump = Buffer.from(await (await db.dumpDataDir("gzip")).arrayBuffer());
    archive.addBuffer(PGLITE_ENTRY, dump);
    entries[PGLITE_ENTRY] = dump.length;
    if (secret) {
      archive.addBuffer(SECRET_ENTRY, secret);
      entries[SECRET_ENTRY] = secret.length;
    }
  } finally {
    await db.close();
  }
}

async function backupPostgres(
  url: string,
  archive: ArchiveWriter,
  writeManifest: ManifestWriter,
  entries: Record<string, number>,
  progress: (line: string) => void,
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One snapshot for the counts and pg_dump (--snapshot): the manifest describes exactly what is dumped.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows } = await client.query<{ snapshot: string }>("SELECT pg_export_snapshot() AS snapshot");
    const query: RowQuery = async <Row>(sql: string) => (await client.query(sql)).rows as Row[];
    const inventory = await takeInventory(query);
    writeManifest(inventory, false);
    progress(`Running pg_dump (${Object.keys(inventory.tables).length} tables)…`);
    const dump = runPostgresTool("pg_dump", ["--format=custom", `--snapshot=${rows[0]!.snapshot}`], url);
    dump.child.stdin.end();
    const [size] = await Promise.all([archive.addStream(POSTGRES_ENTRY, dump.child.stdout), dump.done]);
    entries[POSTGRES_ENTRY] = size;
    await client.query("COMMIT");
  } finally {
    await client.end().catch(() => undefined);
  }
}
