import { type Database, openDatabase, runOutsideRequestScope } from "@ociauth/db";
import { type Runtime, startRuntime } from "./runtime";

/**
 * The process's one Runtime, on the configured database. A module variable is enough: the HTTP
 * entry and Next's page renderer load this package from the same compiled file (Next keeps it
 * external), so there is one copy of this module per process.
 */
const holder: { ociauthRuntime?: Promise<{ database: Database; runtime: Runtime }> } = {};

async function open() {
  const database = await openDatabase();
  return { database, runtime: await startRuntime(database) };
}

export async function getRuntime(): Promise<Runtime> {
  // Opened by the first request, but for the process: no request's deadline may cancel it.
  holder.ociauthRuntime ??= runOutsideRequestScope(open);
  return (await holder.ociauthRuntime).runtime;
}

/** The process's open database, or undefined when none was opened (readiness checks must not open one). */
export async function getOpenDatabase(): Promise<Database | undefined> {
  const opened = holder.ociauthRuntime;
  return opened ? (await opened).database : undefined;
}

/** The process's Runtime when one was opened (status answers must not open one). */
export async function getOpenRuntime(): Promise<Runtime | undefined> {
  const opened = holder.ociauthRuntime;
  return opened ? (await opened).runtime : undefined;
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
