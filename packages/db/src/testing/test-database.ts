import pg from "pg";
import { type Database, openDatabase, wrapPglite } from "../client";
import { openPGlite } from "../pglite";
import { readMigrationScripts } from "./migrations";

export type TestDatabaseKind = "pglite" | "postgres";

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.TEST_DATABASE === "postgres" ? "postgres" : "pglite";
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or a new database on the
 * PostgreSQL server whose URL the test set-up put in TEST_PG_URL.
 */
export async function createTestDatabase(kind: TestDatabaseKind = testDatabaseKind()): Promise<Database> {
  const scripts = readMigrationScripts();
  if (kind === "pglite") {
    const client = await openPGlite();
    for (const sql of scripts) await client.exec(sql);
    return wrapPglite(client, { kind: "pglite-memory" });
  }
  const serverUrl = process.env.TEST_PG_URL;
  if (!serverUrl) throw new Error("TEST_PG_URL is not set: run PostgreSQL tests through the vitest project that starts the server");
  const name = `t_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const setup = new pg.Client({ connectionString: url.toString() });
  await setup.connect();
  for (const sql of scripts) await setup.query(sql);
  await setup.end();
  return openDatabase({ kind: "postgres", url: url.toString() });
}
