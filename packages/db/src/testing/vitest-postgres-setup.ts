import { startPostgresServer } from "./postgres-server";

/** vitest globalSetup: one PostgreSQL server for the run; each test file creates its own database. */
export default async function setup() {
  if (process.env.TEST_PG_URL) return;
  const server = await startPostgresServer();
  process.env.TEST_PG_URL = server.url;
  return async () => {
    await server.stop();
  };
}
