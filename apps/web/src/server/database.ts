import { type Database, type Db, openDatabase } from "@ociauth/db";

const globalForDb = globalThis as unknown as { ociauthDatabase?: Promise<Database> };

/** One database (and pool) per process, also across Next dev hot reloads. */
export async function getDatabase(): Promise<Db> {
  globalForDb.ociauthDatabase ??= openDatabase();
  return (await globalForDb.ociauthDatabase).prisma;
}

export async function closeDatabase(): Promise<void> {
  const db = globalForDb.ociauthDatabase;
  globalForDb.ociauthDatabase = undefined;
  if (db) await (await db).close();
}

/** Tests point the REST/tRPC handlers at their own database. */
export function useDatabaseForTesting(database: Database): void {
  globalForDb.ociauthDatabase = Promise.resolve(database);
}
