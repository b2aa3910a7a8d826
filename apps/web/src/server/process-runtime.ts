import { type Database, openDatabase } from "@ociauth/db";
import { type Runtime, startRuntime } from "./runtime";

/**
 * The process's one Runtime, on the configured database. Kept on globalThis because the
 * production process still loads the server code twice (the HTTP entry, and Next's bundle for
 * the pages): both copies must share one database pool, cache and audit sink.
 */
const holder = globalThis as typeof globalThis & { ociauthRuntime?: Promise<{ database: Database; runtime: Runtime }> };

async function open() {
  const database = await openDatabase();
  return { database, runtime: await startRuntime(database) };
}

export async function getRuntime(): Promise<Runtime> {
  holder.ociauthRuntime ??= open();
  return (await holder.ociauthRuntime).runtime;
}

export async function closeRuntime(): Promise<void> {
  const opened = holder.ociauthRuntime;
  holder.ociauthRuntime = undefined;
  if (!opened) return;
  const { database, runtime } = await opened;
  await runtime.close();
  await database.close();
}

/** Tests point the HTTP handlers at their own database, with a Runtime like production's. */
export async function useDatabaseForTesting(database: Database): Promise<Runtime> {
  const runtime = await startRuntime(database);
  holder.ociauthRuntime = Promise.resolve({ database, runtime });
  return runtime;
}
