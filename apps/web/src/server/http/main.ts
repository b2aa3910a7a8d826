import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeTarget, resolveDatabaseTarget } from "@ociauth/db";
import { migrateDatabase } from "@ociauth/db/migrations";
import next from "next";
import { loadConfig } from "../config";
import { closeDatabase, getDatabase } from "../database";
import { getLogger } from "../logger";
import { createAppServer } from "./app-server";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT) || 3000;
const hostname = process.env.HOST || "0.0.0.0";
const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

async function main() {
  loadConfig(); // fail fast on bad configuration
  await migrateDatabase(); // runs Prisma's migrate deploy only when migrations are pending
  await getDatabase();
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
    closeDatabase()
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
  console.error("The server was not started.");
  process.exit(1);
});
