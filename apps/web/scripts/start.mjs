// `pnpm start`: serve the built app (run `pnpm build` first). The server applies pending
// migrations before it listens, starting Prisma's migrate deploy only when there are any.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (
  !existsSync(path.join(appDir, ".next", "BUILD_ID")) ||
  !existsSync(path.join(appDir, "..", "..", "packages", "api", "dist", "index.js"))
) {
  console.error("No production build found. Run `pnpm build` first (the quick start's `pnpm go` does both).");
  process.exit(1);
}
const child = spawn(process.execPath, ["server.mjs"], { cwd: appDir, stdio: "inherit" });
// Stopping: every signal goes to the server (it drains: see docs/operations.md), and this process
// waits for it and exits with its code. A signal sent to the whole process group reaches the
// server twice, directly and from here, at once: it takes a repeat within a second for the same
// signal, and a later one (a second Ctrl-C, a second SIGTERM) as the order to stop at once.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on("exit", (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
