import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { createPgAdapterFactory, createPgliteAdapterFactory } from "./adapter-fixes";
import { databasePoolSize } from "./database-settings";
import { type DatabaseTarget, resolveDatabaseTarget } from "./database-target";
import { PrismaClient, type Prisma } from "./generated/prisma/client";
import { openPGlite } from "./pglite";
import { currentQueryTracer } from "./query-tracer";
import { currentStatementScope } from "./statement-scope";

export type Db = PrismaClient;
/** A client or an interactive transaction: what data functions accept. */
export type DbClient = PrismaClient | Prisma.TransactionClient;
/** An interactive transaction. */
export type DbTransaction = Prisma.TransactionClient;

export interface Database {
  prisma: PrismaClient;
  target: DatabaseTarget | { kind: "pglite-memory" };
  /** The PGlite instance when embedded (tests use it to apply migrations). */
  pglite?: PGlite;
  /**
   * Runs one statement straight on the driver (pg's pool, or PGlite), outside Prisma and outside
   * any transaction, and returns its rows: for the hot path's single statements (the audit
   * batch, the logins' replay and challenge records and their token + audit statement), where
   * Prisma's per-query work costs more than the statement. On PGlite it waits for an open
   * transaction to end.
   */
  execute: StatementRunner;
  /** The pg pool behind Prisma when on PostgreSQL. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export type StatementRunner = <Row = Record<string, unknown>>(sql: string, params: unknown[]) => Promise<Row[]>;

/**
 * Interactive transactions wait up to 10 s for a connection (Prisma's default, 2 s, turns a short
 * burst into errors) and may run 15 s. Past that the request is answered 503 (see data/errors.ts).
 */
const transactionOptions = { maxWait: 10_000, timeout: 15_000 };

export function wrapPglite(client: PGlite, target: Database["target"]): Database {
  const prisma = new PrismaClient({ adapter: createPgliteAdapterFactory(client), transactionOptions });
  return {
    prisma,
    target,
    pglite: client,
    execute: async <Row>(sql: string, params: unknown[]) => {
      currentStatementScope()?.refuseIfCancelled(sql);
      const tracer = currentQueryTracer();
      if (tracer) return (await tracer(sql, () => client.query<Row>(sql, params))).rows;
      return (await client.query<Row>(sql, params)).rows;
    },
    async close() {
      await prisma.$disconnect();
      if (!client.closed) await client.close();
    },
  };
}

let parked: Database | undefined;

const sameTarget = (a: Database["target"], b: DatabaseTarget) =>
  (a.kind === "pglite" && b.kind === "pglite" && a.dataDir === b.dataDir) ||
  (a.kind === "postgres" && b.kind === "postgres" && a.url === b.url);

/**
 * Hands an open database to the next openDatabase() of the same target in this process: the
 * server's start-up migration check (migrations.ts) passes on the connection it checked with.
 */
export function parkDatabase(database: Database): void {
  parked = database;
}

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else embedded PGlite. */
export async function openDatabase(target: DatabaseTarget = resolveDatabaseTarget()): Promise<Database> {
  if (parked && sameTarget(parked.target, target)) {
    const database = parked;
    parked = undefined;
    return database;
  }
  if (target.kind === "pglite") return wrapPglite(await openPGlite(target.dataDir), target);
  const poolSize = databasePoolSize();
  const { factory, pool } = createPgAdapterFactory(target.url, { max: poolSize });
  const prisma = new PrismaClient({ adapter: factory, transactionOptions });
  return {
    prisma,
    target,
    execute: async <Row>(sql: string, params: unknown[]) => (await pool.query(sql, params)).rows as Row[],
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
