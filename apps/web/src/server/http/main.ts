import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeTarget, resolveDatabaseTarget } from "@ociauth/db";
import next from "next";
import { loadConfig } from "../config";
import { closeRuntime, getRuntime } from "../process-runtime";
import { getLogger } from "../logger";
import { createAppServer } from "./app-server";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT) || 3000;
const hostname = process.env.HOST || "0.0.0.0";
const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

async function main() {
  loadConfig(); // fail fast on bad configuration
  await getRuntime();
  const app = next({ dev, dir: appDir, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createAppServer((req, res) => handle(req, res));
  server.keepAliveTimeout = 65_000;
  server.listen(port, hostname, () => {
    const shown = hostname === "0.0.0.0" ? "localhost" : hostname;
    console.log(
      `OCI Auth ${dev ? "(dev) " : ""}listening on http://${shown}:${port} — database: ${describeTarget(resolveDatabaseTarget())}`,
    );
    getLogger().info({ port, hostname, dev }, "listening");
  });
  const shutdown = (signal: string) => {
    console.log(`${signal} received, shutting down`);
    server.close();
    server.closeAllConnections();
    closeRuntime()
      .catch((error) => console.error("closing the database failed", error))
      .finally(() => {
        setTimeout(() => process.exit(0), 1000).unref();
        getLogger().flush(() => process.exit(0));
      });
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
