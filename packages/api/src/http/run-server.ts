import type { IncomingMessage, Server, ServerResponse } from "node:http";
import net from "node:net";
import { describeTarget, resolveDatabaseTarget } from "@ociauth/db";
import { migrateDatabase } from "@ociauth/db/migrations";
import { loadConfig, publicUrlWarning } from "../core/config";
import { flushLogsSync, getLogger } from "../core/logger";
import { applySecretFiles } from "../core/secret-files";
import { closeRuntime, getRuntime } from "../core/process-runtime";
import { createAppServer, type PageHandler } from "./app-server";
import { listen } from "./listen";
import { createMetricsServer } from "./metrics-route";
import { startProcessMetrics } from "../core/metrics";
import { DATABASE_SECRET_ADVICE } from "../services/keys/root-secret";

export interface RunServerOptions {
  /** Prepares the page renderer (Next) once the database is open; the front door sends it every non-API request. */
  preparePages(listen: { hostname: string; port: number }): Promise<PageHandler>;
  /** Shown in the start-up line. */
  dev?: boolean;
}

/**
 * The production process: validates the configuration, opens the database and applies pending
 * migrations (one Runtime for the whole process), prepares the pages, then serves /api/* through the front door and the rest
 * through the page renderer. SIGINT/SIGTERM close connections and the database cleanly.
 */
export async function runServer(options: RunServerOptions): Promise<void> {
  // Secrets given as files (X_FILE) become X in process.env first: @ociauth/db reads DATABASE_URL there.
  applySecretFiles();
  const config = loadConfig(); // fail fast on bad configuration
  const { PORT: port, HOST: hostname } = config;
  await migrateDatabase(); // runs Prisma's migrate deploy only when migrations are pending
  const runtime = await getRuntime();
  const pages = await options.preparePages({ hostname, port });
  const server = createAppServer(pages);
  server.keepAliveTimeout = 65_000;
  const metricsServer = config.METRICS === "on" && config.METRICS_PORT !== undefined ? createMetricsServer(config.METRICS_TOKEN) : null;
  if (config.METRICS === "on") startProcessMetrics();
  try {
    await listen(server, port, hostname);
    if (metricsServer) await listen(metricsServer, config.METRICS_PORT!, hostname, "METRICS_PORT");
  } catch (error) {
    server.close();
    await closeRuntime().catch(() => {});
    throw error;
  }
  const shown = hostname === "0.0.0.0" ? "localhost" : hostname;
  console.log(
    `OCI Auth ${options.dev ? "(dev) " : ""}listening on http://${shown}:${port} — database: ${describeTarget(resolveDatabaseTarget())}`,
  );
  if (config.METRICS === "on") {
    console.log(`Metrics (Prometheus) at http://${shown}:${config.METRICS_PORT ?? port}/metrics`);
  }
  getLogger().info({ port, hostname, dev: Boolean(options.dev) }, "listening");
  const warning = publicUrlWarning(config);
  if (warning) {
    console.warn(`Warning: ${warning}`);
    getLogger().warn({ publicUrl: null }, warning);
  }
  // The runtime logged it at start; the console shows it too (as the PUBLIC_URL warning).
  if (runtime.tokens.keyring.secrets.source === "database") console.warn(`Warning: ${DATABASE_SECRET_ADVICE}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    // A signal sent to the process group reaches this process twice (directly and forwarded by
    // scripts/start.mjs): the second one must not end the process before the logs are written.
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    getLogger().info({ signal }, "shutting down");
    const exit = (code: number) => {
      flushLogsSync();
      process.exit(code);
    };
    setTimeout(() => exit(0), SHUTDOWN_TIMEOUT_MS).unref();
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    drain(server).then(() =>
      closeRuntime()
        .catch((error: unknown) => console.error("closing the database failed", error))
        .finally(() => exit(0)),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

/** Closing the database waits at most this long before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Requests in flight at shutdown get this long to finish before their connections are cut. */
const DRAIN_TIMEOUT_MS = 5_000;
/** Keep-alive connections left idle this long after shutdown began are closed. */
const IDLE_GRACE_MS = 1_000;

/**
 * Stops serving without failing a request a proxy already sent: new connections are refused (a
 * proxy passes those on to another instance, whatever the method), requests on open connections
 * are still served but answered with `Connection: close`, so a proxy's keep-alive connection is
 * closed by an answer rather than under a request it is sending. http.Server#close is not used
 * first: it drops idle keep-alive connections at once, and a proxy may be reusing one of them at
 * that moment (a POST sent on it would not be retried). Resolves once every connection is closed.
 */
function drain(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => res.setHeader("connection", "close"));
    net.Server.prototype.close.call(server, () => resolve());
    setTimeout(() => server.closeIdleConnections(), IDLE_GRACE_MS).unref();
    setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS).unref();
  });
}
