/**
 * Small, isolated fixes for the driver adapters of Prisma 6.19. Each names its upstream issue
 * and is covered by a test in adapter-fixes.int.test.ts, so it can be deleted when upstream fixes it.
 */
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { CancellablePool } from "./cancellable-pg";
import { traceStatements } from "./query-tracer";
import { refuseCancelledStatements } from "./statement-scope";

const PG_TEXT_OID = 25;
const PG_NAME_OID = 19;
const PG_CHAR_OID = 18;

let pgTypesPatched = false;

/**
 * prisma/orm#27403: @prisma/adapter-pg 6.19.3 throws "Unsupported column type" for PostgreSQL
 * `name` (oid 19) and `"char"` (oid 18) columns, which every `prisma migrate` command reads from
 * pg_catalog. Their text representation is a plain string, so report them as `text`.
 */
export function patchPgAdapterColumnTypes(adapter: object): void {
  if (pgTypesPatched) return;
  let proto: Record<string, unknown> | null = Object.getPrototypeOf(adapter) as Record<string, unknown> | null;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, "performIO")) {
    proto = Object.getPrototypeOf(proto) as Record<string, unknown> | null;
  }
  if (!proto) return;
  const original = proto.performIO as (this: unknown, ...args: unknown[]) => Promise<{ fields: { dataTypeID: number }[] }>;
  proto.performIO = async function patchedPerformIO(this: unknown, ...args: unknown[]) {
    const result = await original.apply(this, args);
    for (const field of result.fields ?? []) {
      if (field.dataTypeID === PG_NAME_OID || field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  pgTypesPatched = true;
}

export interface PgPoolOptions {
  /** Let the process exit while idle connections remain (the Prisma CLI never ends the pool). */
  allowExitOnIdle?: boolean;
  max?: number;
}

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * @prisma/adapter-pg 6.19.3 `executeScript` splits a migration on every ";" and sends the pieces
 * one by one, which breaks function bodies ($$ … ; … $$) and string literals holding ";". Send
 * the script whole instead (PostgreSQL's simple query protocol runs it as one implicit
 * transaction, like psql -1).
 */
function patchPgExecuteScript(adapter: PgAdapter): PgAdapter {
  // Private members of the adapter, read by name.
  const client: { query(sql: string): Promise<unknown> } = Reflect.get(adapter, "client");
  const onError: (error: unknown) => never = Reflect.get(adapter, "onError").bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await client.query(script);
    } catch (error) {
      onError(error);
    }
  };
  return adapter;
}

/**
 * PostgreSQL through @prisma/adapter-pg, with a pool we own so we can close it, whose connections
 * cancel the statements of a request past its deadline (cancellable-pg.ts).
 */
export function createPgAdapterFactory(url: string, options: PgPoolOptions = {}) {
  const pool = new CancellablePool({
    connectionString: url,
    max: options.max ?? 10,
    allowExitOnIdle: options.allowExitOnIdle ?? false,
  });
  const factory = new PrismaPg(pool);
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    patchPgAdapterColumnTypes(adapter);
    return patchPgExecuteScript(adapter);
  };
  factory.connectToShadowDb = async () => patchPgExecuteScript(await connectToShadowDb());
  return { factory, pool };
}

type PgliteAdapter = Awaited<ReturnType<PrismaPGlite["connect"]>>;

/**
 * pglite-prisma-adapter 0.6.1:
 * - `executeScript` does not await `PGlite.exec`, so a failing migration script surfaces as an
 *   unhandled rejection instead of failing the migration;
 * - parameterless multi-statement SQL sent through `executeRaw` (the schema engine does this when
 *   it replays migrations into a shadow database) needs `PGlite.exec`: a prepared statement
 *   takes one command only.
 * Applied to the main and the shadow-database adapters.
 */
function patchPgliteAdapter(adapter: PgliteAdapter, client: PGlite): PgliteAdapter {
  // A request past its deadline sends no further statement (a running one cannot be interrupted).
  // Each statement gets a span when tracing is on (PostgreSQL's are traced on the connection: cancellable-pg.ts).
  traceStatements(refuseCancelledStatements(adapter));
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => traceStatements(refuseCancelledStatements(await startTransaction(isolationLevel)));
  adapter.executeScript = async (script: string) => {
    await client.exec(script);
  };
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length === 0 && query.sql.includes(";")) {
      await client.exec(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  return adapter;
}

export function createPgliteAdapterFactory(client: PGlite) {
  const factory = new PrismaPGlite(client);
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patchPgliteAdapter(await connect(), client);
  factory.connectToShadowDb = async () => {
    const adapter = await connectToShadowDb();
    const shadowClient: PGlite = Reflect.get(adapter, "client"); // a private member of the adapter
    return patchPgliteAdapter(adapter, shadowClient);
  };
  return factory;
}

/** Test helper: a connected adapter of the same kind as `database`, with the fixes applied. */
export async function createAdapterForTest(database: { pglite?: PGlite; target: { kind: string; url?: string } }) {
  if (database.pglite) return createPgliteAdapterFactory(database.pglite).connect();
  const { factory } = createPgAdapterFactory((database.target as { url: string }).url, { max: 1, allowExitOnIdle: true });
  return factory.connect();
}
