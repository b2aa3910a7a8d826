// Baseline: a minimal node:http server doing scenario (a)'s work (see common.ts).
import { createServer } from "node:http";
import { baselineEnv, createReadHandler, openRunner, READ_PATH } from "./common.js";
import { loadPublicKeys } from "./token-verifier.js";

const { port, host } = baselineEnv();
const { runner, describe } = await openRunner(process.env);
const handle = createReadHandler(runner, await loadPublicKeys(runner));

const server = createServer((req, res) => {
  const match = req.method === "GET" ? READ_PATH.exec(req.url ?? "") : null;
  if (!match) {
    res.writeHead(404, { "content-type": "application/json" }).end('{"statusCode":404}');
    return;
  }
  handle(req.headers.authorization, match[1]!).then(
    (reply) => res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" }).end(reply.body),
    (error: unknown) => {
      console.error(error);
      res.writeHead(500, { "content-type": "application/json" }).end('{"statusCode":500}');
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`raw node:http baseline listening on http://${host}:${port} (${describe})`));

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  runner.close().finally(() => process.exit(0));
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
