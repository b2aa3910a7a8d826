import pg from "pg";
import type { Database } from "./client";

export const CHANGE_CHANNEL = "ociauth_changes";

export interface ChangeFeedHandlers {
  /** A committed change: `identity:<id>` (identity or its OCI auth config) or `token:<id>`. */
  onChange(payload: string): void;
  /** Notifications may have been missed (reconnect): drop everything cached. */
  onReset(): void;
}

/**
 * Subscribes to the database's change notifications (triggers in the change_notifications
 * migration), so caches of every app instance sharing the database stay correct. PGlite delivers
 * them in-process; PostgreSQL through a dedicated LISTEN connection that reconnects on failure.
 * Returns an unsubscribe function.
 */
export async function subscribeToChanges(database: Database, handlers: ChangeFeedHandlers): Promise<() => Promise<void>> {
  if (database.pglite) {
    const unlisten = await database.pglite.listen(CHANGE_CHANNEL, handlers.onChange);
    return () => unlisten();
  }
  if (database.target.kind !== "postgres") throw new Error("no change feed for this database");
  const url = database.target.url;
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload) handlers.onChange(message.payload);
    });
    next.on("error", () => reconnect());
    next.on("end", () => reconnect());
    await next.connect();
    await next.query(`LISTEN ${CHANGE_CHANNEL}`);
    client = next;
  };
  const reconnect = () => {
    if (closed || retry) return;
    client = null;
    handlers.onReset();
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(() => reconnect());
    }, 500);
    retry.unref();
  };

  await connect();
  return async () => {
    closed = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
