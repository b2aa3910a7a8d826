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
// Stopping: the signal goes to the server (which writes its buffered logs and closes the
// database), and this process waits for it and exits with its code. A signal sent to the whole
// process group reaches the server twice; it acts on the first.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on("exit", (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
