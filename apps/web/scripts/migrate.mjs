// Applies pending migrations (Prisma's own migrate) to the configured database: PGlite by default,
// PostgreSQL when DATABASE_URL is set. Runs Prisma whether or not anything is pending; the server
// checks by itself at start (packages/db migrations.ts). Not beside a server using the same PGlite
// folder: one process per folder.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dbPackage = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../packages/db");
console.log("Applying database migrations…");
const result = spawnSync("pnpm", ["exec", "prisma", "migrate", "deploy", "--config", "prisma.config.ts"], {
  cwd: dbPackage,
  stdio: "inherit",
});
if (result.status !== 0) {
  console.error("Database migration failed (see above). The server was not started.");
  process.exit(result.status ?? 1);
}
