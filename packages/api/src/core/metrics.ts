import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { buildInfo } from "./build-info";

/**
 * Prometheus metrics (prom-client). Counting is a Map lookup and an addition, so the services
 * count unconditionally; the registry is only served when METRICS=on (see http/metrics-route.ts).
 * Gauges that describe a state (change feed, database pool) are read when scraped.
 */
export const registry = new Registry();

export const httpRequests = new Counter({
  name: "ociauth_http_requests_total",
  help: "API requests answered, by method, route (the operation's path template) and status",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: "ociauth_http_request_duration_seconds",
  help: "Time to answer an API request, by method and route",
  labelNames: ["method", "route"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const logins = new Counter({
  name: "ociauth_logins_total",
  help: "Login attempts by method (oci-auth, oci-principal, password) and outcome (success, or the failure's reason code; password logins: invalid_credentials for a wrong password and an unknown email alike)",
  labelNames: ["method", "outcome"] as const,
  registers: [registry],
});

export const tokenChecks = new Counter({
  name: "ociauth_token_checks_total",
  help: "Bearer token checks by outcome (ok, missing, invalid, expired, revoked, exhausted, forbidden, refused, error)",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

export const authCacheLookups = new Counter({
  name: "ociauth_auth_cache_lookups_total",
  help: "Auth cache lookups by result: hit, miss, or bypass (the change feed is not fresh, the database is read)",
  labelNames: ["result"] as const,
  registers: [registry],
});

export interface ChangeFeedStats {
  connected: boolean;
  reconnects: number;
  /** Epoch ms of the latest notification (heartbeat or change) received, 0 before the first. */
  lastNotificationAt: number;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** Where the scrape-time gauges read from: set by the Runtime when it starts. */
const sources: { changeFeed?: () => ChangeFeedStats | null; pool?: () => PoolStats | null; auditQueue?: () => number } = {};

export function setMetricsSources(next: typeof sources): void {
  Object.assign(sources, next);
}

new Gauge({
  name: "ociauth_change_feed_connected",
  help: "1 when the change feed (PostgreSQL LISTEN connection) is connected; PGlite delivers changes in-process and reports 1",
  registers: [registry],
  collect() {
    const stats = sources.changeFeed?.();
    this.set(stats === null || stats === undefined ? 1 : stats.connected ? 1 : 0);
  },
});

/** The feed's own count of attempts, as the counter last saw it (a new runtime starts again at 0). */
let reconnectsSeen = 0;

new Counter({
  name: "ociauth_change_feed_reconnects_total",
  help: "Attempts to reconnect the change feed (PostgreSQL LISTEN connection), backing off between them",
  registers: [registry],
  collect() {
    const now = sources.changeFeed?.()?.reconnects ?? 0;
    if (now > reconnectsSeen) this.inc(now - reconnectsSeen);
    reconnectsSeen = now;
  },
});

new Gauge({
  name: "ociauth_change_feed_last_notification_age_seconds",
  help: "Seconds since the change feed last received a notification (heartbeats arrive every 200 ms when healthy); -1 before the first or on PGlite",
  registers: [registry],
  collect() {
    const at = sources.changeFeed?.()?.lastNotificationAt ?? 0;
    this.set(at > 0 ? (Date.now() - at) / 1000 : -1);
  },
});

new Gauge({
  name: "ociauth_db_pool_connections",
  help: "PostgreSQL connection pool: total, idle and waiting (queries queued for a connection)",
  labelNames: ["state"] as const,
  registers: [registry],
  collect() {
    const stats = sources.pool?.();
    if (!stats) return;
    this.set({ state: "total" }, stats.total);
    this.set({ state: "idle" }, stats.idle);
    this.set({ state: "waiting" }, stats.waiting);
  },
});

new Gauge({
  name: "ociauth_audit_queue_events",
  help: "Audit events recorded outside a transaction and not yet committed (waiting for their batch or being written)",
  registers: [registry],
  collect() {
    this.set(sources.auditQueue?.() ?? 0);
  },
});

new Gauge({
  name: "ociauth_build_info",
  help: "Always 1: the server's version, source revision (git commit) and Node.js version as labels",
  labelNames: ["version", "revision", "node_version"] as const,
  registers: [registry],
  collect() {
    const { version, revision } = buildInfo();
    this.reset();
    this.set({ version, revision, node_version: process.version }, 1);
  },
});

let defaultsStarted = false;

/**
 * Process and Node.js metrics (CPU, memory, event-loop lag, GC) under their standard names
 * (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, …), without the ociauth_ prefix, so
 * the usual Node.js dashboards find them. They start only when metrics are served: they run timers.
 */
export function startProcessMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register: registry });
}

/** Every metric's name and type as the exposition declares them (`# TYPE` lines). */
export async function exportedMetricTypes(): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  for (const line of (await registry.metrics()).split("\n")) {
    const match = /^# TYPE (\S+) (\S+)/.exec(line);
    if (match) types.set(match[1]!, match[2]!);
  }
  return types;
}

/** Every metric name the server exports (histograms and counters as Prometheus names them). */
export async function exportedMetricNames(): Promise<string[]> {
  const names = new Set<string>();
  for (const line of (await registry.metrics()).split("\n")) {
    const match = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!match) continue;
    const [, name, type] = match;
    names.add(name!);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name! + suffix);
    if (type === "summary") for (const suffix of ["_sum", "_count"]) names.add(name! + suffix);
  }
  return [...names].sort();
}
