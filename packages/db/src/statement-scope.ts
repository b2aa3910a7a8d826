import { AsyncLocalStorage } from "node:async_hooks";

/**
 * A statement refused or cancelled because the request that sent it passed its deadline. Its code
 * is PostgreSQL's query_canceled, so it reads like a statement the server cancelled (both: 503).
 */
export class StatementCancelledError extends Error {
  readonly code = "57014";
  constructor() {
    super("canceling statement: the request's deadline passed");
    this.name = "StatementCancelledError";
  }
}

/** The statements one request sends: cancelled together when its signal aborts. */
export class StatementScope {
  private readonly running = new Set<() => void>();

  constructor(readonly signal: AbortSignal) {
    signal.addEventListener("abort", () => {
      for (const cancel of this.running) cancel();
    });
  }

  /** Throws when the request is cancelled: a statement it would send now must not run. */
  refuseIfCancelled(sql: string): void {
    // A ROLLBACK always runs: it ends a transaction that a cancelled statement left open.
    if (this.signal.aborted && !/^\s*rollback\b/i.test(sql)) throw new StatementCancelledError();
  }

  /** Registers how to cancel a statement while it runs; returns the function that forgets it. */
  track(cancel: () => void): () => void {
    this.running.add(cancel);
    return () => this.running.delete(cancel);
  }
}

const scopes = new AsyncLocalStorage<StatementScope>();

/**
 * Runs `work` with every statement it sends (directly or through Prisma) tied to `signal`: when it
 * aborts, the statements running on PostgreSQL are cancelled and later ones are refused with
 * StatementCancelledError. On PGlite a running statement cannot be interrupted; later ones are refused.
 */
export function runWithStatementSignal<T>(signal: AbortSignal, work: () => T): T {
  return scopes.run(new StatementScope(signal), work);
}

/**
 * Runs `work` outside any request's scope: for work shared by requests (a batch of audit events
 * of many requests, a key loaded once, the process's runtime), which no single request may cancel.
 */
export function runOutsideRequestScope<T>(work: () => T): T {
  return scopes.exit(work);
}

export const currentStatementScope = (): StatementScope | undefined => scopes.getStore();

/** The SQL text of a query as pg and the drivers take it (a string, or a config with `text`). */
export const sqlTextOf = (query: unknown): string =>
  typeof query === "string" ? query : typeof (query as { text?: unknown })?.text === "string" ? (query as { text: string }).text : "";

interface Queryable {
  queryRaw(query: { sql: string }): Promise<unknown>;
  executeRaw(query: { sql: string }): Promise<unknown>;
}

/** Makes a Prisma driver adapter (or one of its transactions) refuse the statements of a cancelled request. */
export function refuseCancelledStatements<T extends Queryable>(queryable: T): T {
  for (const method of ["queryRaw", "executeRaw"] as const) {
    const run = queryable[method].bind(queryable);
    queryable[method] = async (query: { sql: string }) => {
      currentStatementScope()?.refuseIfCancelled(query.sql);
      return run(query);
    };
  }
  return queryable;
}
