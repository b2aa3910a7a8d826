import pg from "pg";
import { currentQueryTracer } from "./query-tracer";
import { currentStatementScope, type StatementScope, sqlTextOf } from "./statement-scope";

/** A call of `query` that wants a promise back (not a callback, not a submittable such as a cursor). */
const isPromiseCall = (args: unknown[]) =>
  typeof args.at(-1) !== "function" && typeof (args[0] as { submit?: unknown })?.submit !== "function";

/** Asks PostgreSQL, on a connection of its own, to cancel what backend `pid` is running now. */
async function cancelBackend(settings: pg.ClientConfig, pid: number): Promise<void> {
  const side = new pg.Client({ ...settings, connectionTimeoutMillis: 5_000 });
  try {
    await side.connect();
    await side.query("SELECT pg_cancel_backend($1)", [pid]);
  } catch {
    // The statement then runs to its end; its request has been answered already.
  } finally {
    await side.end().catch(() => undefined);
  }
}

/**
 * A pooled connection whose statements belong to the request that sent them (statement-scope.ts):
 * a statement sent after the request's deadline is refused, and one running at the deadline is
 * cancelled with pg_cancel_backend. Until that cancel has been delivered the connection sends
 * nothing else, so it cannot hit the next statement of another request.
 */
export class CancellableClient extends pg.Client {
  private cancelling: Promise<void> | undefined;

  constructor(private readonly settings: pg.ClientConfig) {
    super(settings);
  }

  // pg's overloads: a promise for (text | config, values?), else pg's own callback paths.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const scope = currentStatementScope();
    const tracer = currentQueryTracer();
    if (!isPromiseCall(args) || (!scope && !this.cancelling && !tracer)) return (super.query as (...a: unknown[]) => unknown)(...args);
    if (tracer) return tracer(sqlTextOf(args[0]), () => this.queryInScope(scope, args));
    return this.queryInScope(scope, args);
  }

  private async queryInScope(scope: StatementScope | undefined, args: unknown[]): Promise<unknown> {
    if (this.cancelling) await this.cancelling;
    scope?.refuseIfCancelled(sqlTextOf(args[0]));
    const forget = scope?.track(() => this.cancelRunningStatement());
    try {
      return await (super.query as (...a: unknown[]) => Promise<unknown>)(...args);
    } finally {
      forget?.();
    }
  }

  private cancelRunningStatement() {
    const pid = (this as unknown as { processID: number | null }).processID;
    if (pid === null || this.cancelling) return;
    this.cancelling = cancelBackend(this.settings, pid).finally(() => (this.cancelling = undefined));
  }
}

/**
 * pg's pool with CancellableClient connections. `query` is pg-pool's, written as an async
 * function: pg-pool hands a queued caller its connection from inside another caller's release,
 * where the statement would be tied to that other request.
 */
export class CancellablePool extends pg.Pool {
  constructor(options: pg.PoolConfig) {
    // pg-pool constructs its connections with the pool's options (its typings say without).
    super({ ...options, Client: CancellableClient as unknown as new () => pg.ClientBase });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    if (!isPromiseCall(args)) return (super.query as (...a: unknown[]) => unknown)(...args);
    return this.queryOnConnection(args);
  }

  private async queryOnConnection(args: unknown[]): Promise<unknown> {
    const client = await this.connect();
    try {
      const result = await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
      client.release();
      return result;
    } catch (error) {
      client.release(error as Error); // as pg-pool does: a connection whose statement failed is not reused
      throw error;
    }
  }
}
