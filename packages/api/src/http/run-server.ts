import { describeTarget, resolveDatabaseTarget } from "@ociauth/db";
import { migrateDatabase } from "@ociauth/db/migrations";
import { loadConfig, publicUrlWarning } from "../core/config";
import { flushLogsSync, getLifecycleLogger } from "../core/logger";
import { migrationLogOptions } from "./migration-log";
import { applySecretFiles } from "../core/secret-files";
import { routeConsoleToLog } from "../core/console-log";
import { closeRuntime, getRuntime } from "../core/process-runtime";
import { createAppServer, type PageHandler } from "./app-server";
import { createShutdown, drainConnections, InFlightRequests } from "./drain";
import { markDraining } from "./health";
import { listen } from "./listen";
import { createMetricsServer } from "./metrics-route";
import { startProcessMetrics } from "../core/metrics";
import { startTracing, stopTracing } from "../core/tracing";

export interface RunServerOptions {
  /** Prepares the page renderer (Next) once the database is open; the front door sends it every non-API request. */
  preparePages(listen: { hostname: string; port: number }): Promise<PageHandler>;
  /** Shown in the start-up line. */
  dev?: boolean;
}

/**
 * The production process: validates the configuration, opens the database and applies pending
 * migrations (one Runtime for the whole process), prepares the pages, then serves /api/* through the front door and the rest
 * through the page renderer. SIGINT/SIGTERM drain it (drain.ts): /readyz 503, no new connections, the
 * requests in flight finished within SHUTDOWN_GRACE_SECONDS, then the database closed; exit 0.
 */
export async function runServer(options: RunServerOptions): Promise<void> {
  // Secrets given as files (X_FILE) become X in process.env first: @ociauth/db reads DATABASE_URL there.
  applySecretFiles();
  const config = loadConfig(); // fail fast on bad configuration
  routeConsoleToLog(); // Next's own lines too: stdout carries JSON lines only
  const { PORT: port, HOST: hostname } = config;
  await startTracing(config); // OpenTelemetry is loaded only when OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_) is set
  await migrateDatabase(undefined, migrationLogOptions()); // runs Prisma's migrate deploy only when migrations are pending
  await getRuntime();
  const pages = await options.preparePages({ hostname, port });
  const server = createAppServer(pages);
  const inFlight = InFlightRequests.watch(server);
  server.keepAliveTimeout = 65_000;
  const metricsServer = config.METRICS === "on" && config.METRICS_PORT !== undefined ? createMetricsServer(config.METRICS_TOKEN) : null;
  if (config.METRICS === "on") startProcessMetrics();
  try {
    await listen(server, port, hostname);
    if (metricsServer) await listen(metricsServer, config.METRICS_PORT!, hostname, "METRICS_PORT");
  } catch (error) {
    server.close();
    await closeRuntime().catch(() => {});
    await stopTracing().catch(() => {});
    throw error;
  }
  const shown = hostname === "0.0.0.0" ? "localhost" : hostname;
  const lifecycle = getLifecycleLogger();
  const database = describeTarget(resolveDatabaseTarget());
  lifecycle.info(
    { port, hostname, dev: Boolean(options.dev), database },
    `OCI Auth ${options.dev ? "(dev) " : ""}listening on http://${shown}:${port} — database: ${database}`,
  );
  if (config.METRICS === "on") {
    const metricsUrl = `http://${shown}:${config.METRICS_PORT ?? port}/metrics`;
    lifecycle.info({ metricsUrl }, `Metrics (Prometheus) at ${metricsUrl}`);
  }
  const warning = publicUrlWarning(config);
  if (warning) lifecycle.warn({ publicUrl: null }, `Warning: ${warning}`);
  const shutdown = createShutdown({
    graceMs: config.SHUTDOWN_GRACE_SECONDS * 1000,
    inFlight,
    markNotReady: markDraining,
    drain: () => drainConnections(server, inFlight),
    async close(step) {
      if (metricsServer) {
        step("closing the metrics listener");
        metricsServer.closeAllConnections();
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      }
      step("closing the change feed and the database");
      await closeRuntime();
      // After the last request and statement: their spans are in the batch this sends.
      step("exporting the remaining trace spans");
      await stopTracing();
    },
    log: {
      info(message, fields) {
        getLifecycleLogger().info(fields, message);
      },
      error(message, fields) {
        getLifecycleLogger().error(fields, message);
      },
    },
    exit(code) {
      flushLogsSync();
      process.exit(code);
    },
  });
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}
