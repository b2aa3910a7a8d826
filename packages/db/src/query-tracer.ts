/**
 * The seam tracing plugs into (packages/api/src/core/tracing-sdk.ts): every statement sent to the
 * database, through Prisma's driver adapter or `Database.execute`, runs through the tracer when
 * one is set. Unset (tracing off), a statement costs one variable read.
 */
export type QueryTracer = <T>(sql: string, run: () => Promise<T>) => Promise<T>;

let tracer: QueryTracer | undefined;

export function setQueryTracer(next: QueryTracer | undefined): void {
  tracer = next;
}

export const currentQueryTracer = (): QueryTracer | undefined => tracer;

interface Queryable {
  queryRaw(query: { sql: string }): Promise<unknown>;
  executeRaw(query: { sql: string }): Promise<unknown>;
}

/** Makes a Prisma driver adapter (or one of its transactions) send its statements through the tracer. */
export function traceStatements<T extends Queryable>(queryable: T): T {
  for (const method of ["queryRaw", "executeRaw"] as const) {
    const run = queryable[method].bind(queryable);
    queryable[method] = (query: { sql: string }) => {
      const traced = tracer;
      return traced === undefined ? run(query) : traced(query.sql, () => run(query));
    };
  }
  return queryable;
}
