import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Database } from "./client";

export const CHANGE_CHANNEL = "ociauth_changes";
/** The change feed's connection names itself, so operators (and tests) find it in pg_stat_activity. */
export const CHANGE_FEED_APPLICATION_NAME = "ociauth-change-feed";

/** How often the feed proves itself with a heartbeat sent through its own LISTEN connection. */
export const HEARTBEAT_INTERVAL_MS = 200;
/**
 * The feed is trusted while its latest heartbeat was SENT at most this long ago. Changes committed
 * before a heartbeat are delivered before it, so a cache that is only read while the feed is
 * fresh serves nothing that changed more than this long ago: the revocation bound (1 s), minus
 * a margin for the request itself.
 */
export const FRESHNESS_WINDOW_MS = 700;
/** Without a heartbeat for this long the connection is replaced (a stalled or half-open socket). */
export const RECONNECT_AFTER_MS = 3000;

/** The first reconnect attempt waits about this long; each next one twice as long, up to RECONNECT_MAX_DELAY_MS. */
export const RECONNECT_INITIAL_DELAY_MS = 100;
export const RECONNECT_MAX_DELAY_MS = 5000;

/**
 * The wait before reconnect attempt `attempt` (1, 2, …): RECONNECT_INITIAL_DELAY_MS doubling per
 * attempt, capped at RECONNECT_MAX_DELAY_MS, with jitter (half of it random) so that instances
 * sharing a database do not reconnect in step.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_INITIAL_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** An error in words: its message, else its code (a refused connection to several addresses has no message). */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const inner = error instanceof AggregateError ? error.errors.map(causeOf).join("; ") : "";
  return error.message || inner || (typeof code === "string" ? code : error.name);
}

/** Told once per change of state, not per attempt. */
export type ChangeFeedStateChange = { state: "disconnected"; cause: string } | { state: "reconnected"; attempts: number; downMs: number };

export interface ChangeFeedHandlers {
  /** A committed change: `identity:<id>` (identity or its OCI auth config) or `token:<id>`. */
  onChange(payload: string): void;
  /** Notifications may have been missed (disconnected, and again once reconnected): drop everything cached. */
  onReset(): void;
  onStateChange?(change: ChangeFeedStateChange): void;
}

export interface ChangeFeed {
  /**
   * True while every change committed more than FRESHNESS_WINDOW_MS ago is known to have been
   * delivered. While false, callers must read the database instead of their cache (fail closed).
   */
  isFresh(): boolean;
  /** For metrics: null on PGlite (in-process, nothing to connect). */
  stats(): { connected: boolean; reconnects: number; lastNotificationAt: number } | null;
  close(): Promise<void>;
}

/**
 * Subscribes to the database's change notifications (triggers in the change_notifications
 * migration), so caches of every app instance sharing the database stay correct.
 *
 * PGlite is one process (its folder is locked) and delivers notifications in-process: always fresh.
 * PostgreSQL: a dedicated LISTEN connection that also sends itself a heartbeat NOTIFY every
 * HEARTBEAT_INTERVAL_MS. PostgreSQL delivers notifications in commit order, so when a heartbeat
 * sent at time t arrives, every change committed before t has arrived too. A stalled connection
 * (a backend that stopped answering, a network that drops packets silently) stops the heartbeats,
 * the feed turns stale within FRESHNESS_WINDOW_MS and is replaced after RECONNECT_AFTER_MS.
 */
export async function subscribeToChanges(database: Database, handlers: ChangeFeedHandlers): Promise<ChangeFeed> {
  if (database.pglite) {
    const unlisten = await database.pglite.listen(CHANGE_CHANNEL, handlers.onChange);
    return { isFresh: () => true, stats: () => null, close: () => unlisten() };
  }
  if (database.target.kind !== "postgres") throw new Error("no change feed for this database");
  const url = database.target.url;
  const feedId = randomUUID();
  const heartbeatPrefix = `hb:${feedId}:`;
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let freshAt = 0; // send time of the latest heartbeat that came back
  let connectedAt = 0;
  let reconnects = 0; // attempts since the start
  let lastNotificationAt = 0;
  /** Set while disconnected: since when, and the attempts made to reconnect. */
  let down: { since: number; attempts: number } | null = null;

  const onNotification = (message: pg.Notification) => {
    const payload = message.payload;
    if (message.channel !== CHANGE_CHANNEL || !payload) return;
    lastNotificationAt = Date.now();
    if (payload.startsWith("hb:")) {
      if (payload.startsWith(heartbeatPrefix)) freshAt = Math.max(freshAt, Number(payload.slice(heartbeatPrefix.length)));
      return; // other instances' heartbeats
    }
    handlers.onChange(payload);
  };

  const drop = (stale: pg.Client) => {
    stale.removeAllListeners("notification");
    // end() waits for a backend that may never answer: close the socket instead.
    const connection: { stream?: { destroy(): void } } | undefined = Reflect.get(stale, "connection");
    connection?.stream?.destroy();
    stale.end().catch(() => undefined);
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, application_name: CHANGE_FEED_APPLICATION_NAME });
    next.on("notification", onNotification);
    next.on("error", (error: unknown) => reconnect(next, causeOf(error)));
    next.on("end", () => reconnect(next, "the connection ended"));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      drop(next);
      throw error;
    }
    if (closed) return drop(next);
    client = next;
    connectedAt = Date.now();
    if (down) {
      const { since, attempts } = down;
      down = null;
      // Changes made between the last notification and LISTEN were never heard: forget what was cached meanwhile.
      handlers.onReset();
      handlers.onStateChange?.({ state: "reconnected", attempts, downMs: connectedAt - since });
    }
    next
      .query("SELECT pg_notify($1, $2)", [CHANGE_CHANNEL, `${heartbeatPrefix}${connectedAt}`])
      .catch((error: unknown) => reconnect(next, causeOf(error)));
  };

  /** Drops the connection (if `failed` is still the current one) and schedules the next attempt, backing off. */
  const reconnect = (failed: pg.Client | null, cause: string) => {
    if (closed || retry || (failed && failed !== client)) return;
    if (client) drop(client);
    client = null;
    freshAt = 0;
    if (!down) {
      down = { since: Date.now(), attempts: 0 };
      handlers.onReset();
      handlers.onStateChange?.({ state: "disconnected", cause });
    }
    down.attempts++;
    reconnects++;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((error: unknown) => reconnect(null, causeOf(error)));
    }, reconnectDelayMs(down.attempts));
    retry.unref();
  };

  const heartbeat = setInterval(() => {
    const current = client;
    if (!current) return;
    const now = Date.now();
    if (now - Math.max(freshAt, connectedAt) > RECONNECT_AFTER_MS) return reconnect(current, `no heartbeat for ${RECONNECT_AFTER_MS} ms`);
    current
      .query("SELECT pg_notify($1, $2)", [CHANGE_CHANNEL, `${heartbeatPrefix}${now}`])
      .catch((error: unknown) => reconnect(current, causeOf(error)));
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  await connect();
  return {
    isFresh: () => client !== null && Date.now() - freshAt <= FRESHNESS_WINDOW_MS,
    stats: () => ({ connected: client !== null, reconnects, lastNotificationAt }),
    async close() {
      closed = true;
      clearInterval(heartbeat);
      if (retry) clearTimeout(retry);
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}
