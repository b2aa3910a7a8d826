// The production entry (`pnpm start` runs it after `pnpm build`; `pnpm dev` with --dev): the API's
// front door serves /api/*, Next renders the pages. Plain JavaScript over the compiled
// @ociauth/api, which Next loads as an external package too: one module graph, one Runtime.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { flushLogsSync, runServer } from "@ociauth/api";
import next from "next";

const dev = process.argv.includes("--dev");
const dir = path.dirname(fileURLToPath(import.meta.url));
// A production build carries the configuration it was built with: Next then need not load (and
// compile) next.config.ts, which the container image does not ship.
const builtConfigFile = path.join(dir, ".next", "required-server-files.json");
const conf = !dev && existsSync(builtConfigFile) ? JSON.parse(readFileSync(builtConfigFile, "utf8")).config : undefined;
if (conf) process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(conf);

try {
  await runServer({
    dev,
    async preparePages({ hostname, port }) {
      const app = next({ dev, dir, hostname, port, conf });
      await app.prepare();
      return app.getRequestHandler();
    },
  });
} catch (error) {
  // Plain text on stderr (console.* now writes JSON log lines to stdout): why it did not start.
  flushLogsSync(); // the JSON lines written before it
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nThe server was not started.\n`);
  process.exit(1);
}
