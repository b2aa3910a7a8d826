import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgliteSharedBuffers } from "./database-settings";
import { lockDataFolder } from "./folder-lock";

export { DEFAULT_PGLITE_SHARED_BUFFERS, pgliteSharedBuffers } from "./database-settings";

export class DamagedDataFolderError extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    super(
      `The embedded database in ${dataDir} could not be opened: it looks damaged (${String((cause as Error)?.message ?? cause)}). ` +
        `Restore the folder from a backup, or move it away to start with an empty database (PGLITE_DIR selects another folder).`,
    );
    this.name = "DamagedDataFolderError";
  }
}

/** The data folder (or the folder it is to be created in) cannot be written by this process. */
export class ReadOnlyDataFolderError extends Error {
  constructor(
    readonly dataDir: string,
    readonly folder: string,
  ) {
    const user = `user id ${process.getuid?.() ?? "?"}`;
    super(
      (folder === dataDir
        ? `The embedded database folder ${dataDir} is read-only for this process (${user}); PGlite must write to it to open it. The data in it was not touched. `
        : `The embedded database ${dataDir} cannot be created or locked: its parent folder ${folder} is read-only for this process (${user}). `) +
        `Give this user write access (e.g. chown or chmod), or set PGLITE_DIR to a writable folder.`,
    );
    this.name = "ReadOnlyDataFolderError";
  }
}

function isWritable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The data folder's parent cannot be created or written for another reason than permissions (e.g. /proc, a missing mount). */
export class UnusableDataFolderError extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    super(
      `The embedded database folder ${dataDir} (PGLITE_DIR) cannot be created or written: ${String((cause as Error)?.message ?? cause)}. ` +
        `Set PGLITE_DIR to a writable folder, or DATABASE_URL to use PostgreSQL.`,
    );
    this.name = "UnusableDataFolderError";
  }
}

/**
 * Checks before anything opens the folder (PGlite, Prisma's migrate) that the data folder's parent
 * can be created and written: PGlite and the lock file need it, and a failure deep inside them is
 * either unclear or never reported. Writes and removes a small probe file, since root passes every
 * access() check even on read-only file systems.
 */
export function checkDataFolderWritable(dataDir: string): void {
  const parent = path.dirname(dataDir);
  const probe = path.join(parent, `.${path.basename(dataDir)}.write-check-${process.pid}`);
  const unusable = (error: unknown) =>
    isPermissionError(error) ? new ReadOnlyDataFolderError(dataDir, parent) : new UnusableDataFolderError(dataDir, error);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw unusable(error);
  }
  const existing = existsSync(dataDir) && readdirSync(dataDir).length > 0;
  if (existing && !isWritable(dataDir)) throw new ReadOnlyDataFolderError(dataDir, dataDir);
  try {
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
  } catch (error) {
    throw unusable(error);
  }
}

/**
 * PGlite's default start parameters, the shared buffers, and `log_startup_progress_interval=0`:
 * without it a process that recovers an uncleanly closed data folder keeps a timer alive and may never exit.
 */
function pgliteStartParams(): string[] {
  const defaults = PGlite.defaultStartParams ?? [];
  return [...defaults, "-c", "log_startup_progress_interval=0", "-c", `shared_buffers=${pgliteSharedBuffers()}`];
}

const isPermissionError = (error: unknown) => ["EACCES", "EPERM", "EROFS"].includes(String((error as NodeJS.ErrnoException)?.code));

/**
 * Opens (creating on first use) a PGlite database. `dataDir` is a folder, or undefined for an
 * in-memory database. PGlite only creates the last path segment, so parents are created here.
 * One process per folder: two PGlite instances on the same folder split and lose data, so the
 * folder is locked (`<dataDir>.lock`, released on close and taken over when its process is gone).
 * A read-only folder and one that exists but cannot be opened are reported as such, naming the
 * folder and what to do. `loadDataDir` fills a new folder from a `dumpDataDir()` tarball (restore).
 */
export async function openPGlite(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  // Before the folder is touched: a bad setting is not a damaged folder.
  const startParams = pgliteStartParams();
  if (!dataDir) {
    const db = new PGlite({ startParams });
    await db.waitReady;
    return db;
  }
  const parent = path.dirname(dataDir);
  checkDataFolderWritable(dataDir);
  const existing = existsSync(dataDir) && readdirSync(dataDir).length > 0;
  let release: () => void;
  try {
    release = lockDataFolder(dataDir);
  } catch (error) {
    if (isPermissionError(error)) throw new ReadOnlyDataFolderError(dataDir, parent);
    throw error;
  }
  try {
    const db = new PGlite({ dataDir, startParams, loadDataDir: options.loadDataDir });
    await db.waitReady;
    const close = db.close.bind(db);
    db.close = async () => {
      try {
        await close();
      } finally {
        release();
      }
    };
    return db;
  } catch (error) {
    release();
    if (isPermissionError(error)) throw new ReadOnlyDataFolderError(dataDir, dataDir);
    if (existing) throw new DamagedDataFolderError(dataDir, error);
    throw error;
  }
}
