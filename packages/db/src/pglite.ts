import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgliteStartParams } from "./adapter-fixes";

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

/**
 * Opens (creating on first use) a PGlite database. `dataDir` is a folder, or undefined for an
 * in-memory database. PGlite only creates the last path segment, so parents are created here.
 * One process per folder: two PGlite instances on the same folder corrupt it. A folder that
 * exists but cannot be opened is reported as damaged, naming the folder and what to do.
 */
export async function openPGlite(dataDir?: string): Promise<PGlite> {
  if (dataDir) mkdirSync(path.dirname(dataDir), { recursive: true });
  const existing = dataDir !== undefined && existsSync(dataDir) && readdirSync(dataDir).length > 0;
  try {
    const db = new PGlite({ dataDir, startParams: pgliteStartParams() });
    await db.waitReady;
    return db;
  } catch (error) {
    if (existing) throw new DamagedDataFolderError(dataDir, error);
    throw error;
  }
}
