// The production entry (`pnpm start` runs it after `pnpm build`; `pnpm dev` with --dev): the API's
// front door serves /api/*, Next renders the pages. Plain JavaScript over the compiled
// @ociauth/api, which Next loads as an external package too: one module graph, one Runtime.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runServer } from "@ociauth/api";
import next from "next";

const dev = process.argv.includes("--dev");
const dir = path.dirname(fileURLToPath(import.meta.url));

try {
  await runServer({
    dev,
    async preparePages({ hostname, port }) {
      const app = next({ dev, dir, hostname, port });
      await app.prepare();
      return app.getRequestHandler();
    },
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error("The server was not started.");
  process.exit(1);
}
