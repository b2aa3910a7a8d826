import { type Database, type Db, openDatabase } from "@ociauth/db";
import { hotPathFor, startHotPath } from "./hot-path";

const globalForDb = globalThis as unknown as { ociauthDatabase?: Promise<Database> };

async function open(): Promise<Database> {
  const database = await openDatabase();
  await startHotPath(database);
  return database;
}

/** One database (and pool) per process, also across Next dev hot reloads. */
export async function getDatabase(): Promise<Db> {
  globalForDb.ociauthDatabase ??= open();
  return (await globalForDb.ociauthDatabase).prisma;
}

export async function closeDatabase(): Promise<void> {
  const db = globalForDb.ociauthDatabase;
  globalForDb.ociauthDatabase = undefined;
  if (!db) return;
  const database = await db;
  await hotPathFor(database.prisma)?.close();
  await database.close();
}

/** Tests point the REST/tRPC handlers at their own database (with the same hot path as production). */
export async function useDatabaseForTesting(database: Database): Promise<void> {
  await startHotPath(database);
  globalForDb.ociauthDatabase = Promise.resolve(database);
}
