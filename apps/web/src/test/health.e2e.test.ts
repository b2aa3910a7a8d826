import { type PostgresServer, startPostgresServer } from "@ociauth/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_AUTH_SECRET, stop } from "./run-app";
import { startServerProcess } from "./server-process";

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("health endpoints on PostgreSQL", () => {
  let postgres: PostgresServer;
  let app: Awaited<ReturnType<typeof startServerProcess>>;
  let databaseUrl: string;

  beforeAll(async () => {
    postgres = await startPostgresServer();
    databaseUrl = await postgres.createDatabase();
    app = await startServerProcess({ DATABASE_URL: databaseUrl, AUTH_SECRET: E2E_AUTH_SECRET });
  });
  afterAll(async () => {
    if (app) await stop(app.child);
    await postgres?.stop();
  });

  it("/api/status answers like Infisical's health route, /healthz and /readyz answer 200", async () => {
    const status = await getJson(`${app.url}/api/status`);
    expect(status.status).toBe(200);
    expect(status.body.message).toBe("Ok");
    expect(Number.isNaN(Date.parse(String(status.body.date)))).toBe(false);
    expect(await getJson(`${app.url}/healthz`)).toEqual({ status: 200, body: { status: "ok" } });
    expect(await getJson(`${app.url}/readyz`)).toEqual({ status: 200, body: { status: "ready" } });
    expect((await fetch(`${app.url}/readyz`, { method: "POST" })).status).toBe(405);
  });

  it("PostgreSQL stopped: /readyz 503 without the database's address (the log has it), /healthz still 200; started again: /readyz 200", async () => {
    await postgres.pause();
    try {
      const down = await getJson(`${app.url}/readyz`);
      expect(down).toEqual({
        status: 503,
        body: { status: "unavailable", reason: "Database unavailable (the server log has the details)" },
      });
      const { hostname, port, username } = new URL(databaseUrl);
      const body = JSON.stringify(down.body);
      for (const secret of [hostname, String(port), username, "ECONNREFUSED"]) expect(body).not.toContain(secret);
      // The detail (address included) goes to the log as a warning; logs are flushed every 500 ms.
      const deadline = Date.now() + 5_000;
      const warning = () =>
        app
          .output()
          .split("\n")
          .find((line) => line.includes("readiness check: the database does not answer"));
      while (!warning() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(JSON.parse(warning()!)).toMatchObject({ level: "warn", err: { message: expect.stringContaining(`:${port}`) } });
      expect((await getJson(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      await postgres.resume();
    }
    // The pool reconnects on the next query.
    const deadline = Date.now() + 15_000;
    let up = await getJson(`${app.url}/readyz`);
    while (up.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      up = await getJson(`${app.url}/readyz`);
    }
    expect(up).toEqual({ status: 200, body: { status: "ready" } });
  });

  it("a migration not applied: /readyz 503 naming it; applied again: 200", async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT * FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`);
      const last = rows[0] as Record<string, unknown>;
      await client.query(`DELETE FROM _prisma_migrations WHERE id = $1`, [last.id]);
      try {
        const pending = await getJson(`${app.url}/readyz`);
        expect(pending.status).toBe(503);
        expect(String(pending.body.reason)).toBe(
          `Database migrations not applied: ${String(last.migration_name)} (restart the server to apply them)`,
        );
      } finally {
        const columns = Object.keys(last);
        await client.query(
          `INSERT INTO _prisma_migrations (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
          columns.map((c) => last[c]),
        );
      }
      expect((await getJson(`${app.url}/readyz`)).status).toBe(200);
    } finally {
      await client.end();
    }
  });
});
