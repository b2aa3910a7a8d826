import type { AddressInfo } from "node:net";
import { createTestDatabase } from "@ociauth/db/testing";
import { overrideConfigForTesting } from "../core/config";
import { useDatabaseForTesting } from "../core/process-runtime";
import { createAppServer } from "../http/app-server";

/**
 * The production HTTP server's API part (the same createAppServer that `pnpm start` runs; pages
 * answer 404 here) on a free port, with a fresh test database and its URL as PUBLIC_URL. For tests of HTTP clients.
 */
export async function startTestServer(pages: Parameters<typeof createAppServer>[0] = (_req, res) => void res.writeHead(404).end()) {
  const database = await createTestDatabase();
  const server = createAppServer(pages);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // Principal logins are signed for the URL the server is reached at, and it is the tokens' issuer:
  // set before the runtime starts (its token signer reads it once).
  overrideConfigForTesting({ PUBLIC_URL: url });
  const rt = await useDatabaseForTesting(database);
  return {
    url,
    database,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rt.close();
      await database.close();
    },
  };
}
