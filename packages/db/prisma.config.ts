// Prisma CLI configuration (migrate deploy / status / diff), for PGlite and PostgreSQL alike.
// It runs Prisma's JavaScript schema engine through a driver adapter: the Rust engine cannot be
// downloaded here. The numbered workarounds are explained in docs/prisma-driver-adapters.md.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { createPgAdapterFactory, createPgliteAdapterFactory } from "./src/adapter-fixes";
import { describeTarget, resolveDatabaseTarget, resolveMigrationsDir } from "./src/database-target";
import { openPGlite } from "./src/pglite";
import { applySecretFilesOf } from "./src/secret-files";

// DATABASE_URL_FILE (a mounted secret, e.g. in the migration Job) stands for DATABASE_URL.
applySecretFilesOf(["DATABASE_URL"]);
const target = resolveDatabaseTarget();

// (1) The CLI still looks for the Rust engine unless DATABASE_URL is a valid postgresql:// URL.
if (target.kind === "pglite") process.env.DATABASE_URL = "postgresql://pglite@localhost:5432/pglite";

// (2) The CLI calls adapter() twice per command: two PGlite instances on one folder corrupt it.
let adapterPromise: ReturnType<typeof createAdapter> | undefined;

// (11) Prisma 6 requires the schema's `url` for PostgreSQL (without it the schema does not
// validate, the CLI takes the Rust engine path of (1) and, offline, ends with status 0 having done
// nothing), yet with a driver adapter every migrate command warns that it "will NOT be used".
// Drop that warning, and only when `url` is the one property it names.
const URL_WARNING = "you are using a Driver Adapter via prisma.config.ts:\n- url\n\nThe values from your schema will NOT be used!";
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
  if (typeof chunk === "string" && chunk.includes(URL_WARNING)) {
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }
  return (stdoutWrite as (...args: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

// (12) A CLI stuck on something else (an engine download retried offline, see (11)) exits with
// status 0 once (4) leaves it nothing but unref'd timers. A migrate command that ends without ever
// asking for the adapter has done nothing: fail it.
const cliArgs = process.argv.slice(2);
const needsAdapter = cliArgs.includes("migrate") && ["deploy", "status", "resolve"].some((command) => cliArgs.includes(command));
process.once("beforeExit", (code) => {
  if (!needsAdapter || adapterPromise || code !== 0) return;
  console.error(
    `prisma ${cliArgs.join(" ")} ended without connecting to the database: nothing was done. Run it with DEBUG="prisma*" to see why.`,
  );
  process.exitCode = 1;
});

async function createAdapter() {
  if (target.kind === "postgres") {
    // (4) allowExitOnIdle: the CLI never ends the pool and would linger.
    return createPgAdapterFactory(target.url, { allowExitOnIdle: true, max: 2 }).factory;
  }
  const client = await openPGlite(target.dataDir);
  // (3) The CLI never disposes the adapter: close PGlite (flushing it) when the command ends.
  process.once("beforeExit", () => void client.close());
  return createPgliteAdapterFactory(client);
}

// (4) The WASM schema engine leaves long timers behind and the CLI lingers 10-60 s after it is
// done: let the process exit without waiting for timers of a second or more.
const timers = globalThis as unknown as Record<"setTimeout" | "setInterval", (...a: unknown[]) => NodeJS.Timeout>;
for (const name of ["setTimeout", "setInterval"] as const) {
  const original = timers[name];
  timers[name] = Object.assign((handler: unknown, delay?: number, ...args: unknown[]) => {
    const timer = original(handler, delay, ...args);
    if ((delay ?? 0) >= 1000) timer.unref?.();
    return timer;
  }, original);
}

if (process.env.PRISMA_CONFIG_QUIET !== "1") console.error(`Database: ${describeTarget(target)}`);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("..", "..", "prisma", "schema.prisma"),
  migrations: { path: resolveMigrationsDir() },
  adapter: () => (adapterPromise ??= createAdapter()),
});
