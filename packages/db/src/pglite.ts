import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgliteStartParams } from "./adapter-fixes";

/**
 * Opens (creating on first use) a PGlite database. `dataDir` is a folder, or undefined for an
 * in-memory database. PGlite only creates the last path segment, so parents are created here.
 * One process per folder: two PGlite instances on the same folder corrupt it.
 */
export async function openPGlite(dataDir?: string): Promise<PGlite> {
  if (dataDir) mkdirSync(path.dirname(dataDir), { recursive: true });
  const db = new PGlite({ dataDir, startParams: pgliteStartParams() });
  await db.waitReady;
  return db;
}
