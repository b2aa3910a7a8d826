// Baseline: the same work as raw-node.ts on Fastify + pg (the stack Infisical uses).
import Fastify from "fastify";
import { baselineEnv, createReadHandler, openRunner } from "./common.js";
import { loadPublicKeys } from "./token-verifier.js";

const { port, host } = baselineEnv();
const { runner, describe } = await openRunner(process.env);
const handle = createReadHandler(runner, await loadPublicKeys(runner));

const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
app.get<{ Params: { identityId: string } }>("/api/v1/auth/oci-auth/identities/:identityId", async (request, reply) => {
  const result = await handle(request.headers.authorization, request.params.identityId);
  return reply.code(result.status).type("application/json; charset=utf-8").send(result.body);
});

await app.listen({ port, host });
console.log(`Fastify baseline listening on http://${host}:${port} (${describe})`);

const shutdown = () => {
  app
    .close()
    .then(() => runner.close())
    .finally(() => process.exit(0));
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
