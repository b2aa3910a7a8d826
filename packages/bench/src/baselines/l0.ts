// Baseline L0: raw node:http, the read of scenario (a) entirely from memory (see in-memory.ts):
// no database work per request. The database is read once at start, then closed.
import { baselineEnv, openRunner } from "./common.js";
import { createMemoryReadHandler, loadIdentities, serveReads } from "./in-memory.js";
import { loadPublicKeys } from "./token-verifier.js";

const { port, host } = baselineEnv();
const { runner, describe } = await openRunner(process.env);
const identities = await loadIdentities(runner);
const publicKeys = await loadPublicKeys(runner);
await runner.close();

serveReads({
  name: "L0 baseline",
  port,
  host,
  describe: `${identities.size} identities loaded at start from ${describe}, closed since`,
  handle: createMemoryReadHandler(identities, publicKeys),
  close: async () => undefined,
});
