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
    server.close();
    server.closeAllConnections();
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    closeRuntime()
      .catch((error: unknown) => console.error("closing the database failed", error))
      .finally(() => exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

/** Closing the database waits at most this long before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
