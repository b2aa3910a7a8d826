// `pnpm dev`: the server in development mode (Next reloads pages itself) over an @ociauth/api that
// is rebuilt whenever its sources change (esbuild in watch mode); after each rebuild the server is
// restarted, the old process gone first (PGlite's data folder takes one process at a time).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, watch } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { clearTimeout, setTimeout } from "node:timers";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const apiDir = path.resolve(appDir, "../../packages/api");
const apiBundle = path.join(apiDir, "dist/index.js");

const run = (args, cwd) => spawn(process.execPath, args, { cwd, stdio: "inherit" });
const finished = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", resolve)));

// One full build first (it also checks the bundle's dependencies), then the watcher.
const firstBuild = run(["scripts/build.mjs"], apiDir);
await finished(firstBuild);
if (firstBuild.exitCode !== 0) process.exit(firstBuild.exitCode ?? 1);
await finished(run(["scripts/copy-api-reference.mjs"], appDir));
const apiWatcher = run(["scripts/build.mjs", "--watch"], apiDir);

/** The bundle's content: esbuild writes it again on builds that change nothing (e.g. a comment). */
const bundleHash = () => createHash("sha256").update(readFileSync(apiBundle)).digest("hex");
let serving = bundleHash();
let server = run(["server.mjs", "--dev"], appDir);
let restart = null;
let stopping = false;

async function restartServer() {
  const hash = bundleHash();
  if (hash === serving) return;
  serving = hash;
  // The server's own lines are JSON (see docs/observability.md): this one too.
  const line = {
    level: "info",
    time: new Date().toISOString(),
    service: "ociauth",
    msg: "dev: @ociauth/api changed, restarting the server",
  };
  console.log(JSON.stringify(line));
  server.kill("SIGTERM");
  await finished(server);
  if (!stopping) server = run(["server.mjs", "--dev"], appDir);
}

watch(path.dirname(apiBundle), (_event, file) => {
  if (file !== "index.js" || stopping) return;
  clearTimeout(restart);
  restart = setTimeout(() => void restartServer(), 300); // one restart for a burst of writes
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    stopping = true;
    apiWatcher.kill("SIGTERM");
    server.kill("SIGTERM");
    await Promise.all([finished(apiWatcher), finished(server)]);
    process.exit(0);
  });
}
