import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type PostgresServer, startPostgresServer } from "@ociauth/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appDir, E2E_AUTH_SECRET, stop } from "./run-app";
import { startServerProcess } from "./server-process";

const METRICS_TOKEN = "logs-test-metrics-token-0123456789";
const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Line = Record<string, unknown> & { level: string; time: string; msg: string };

/** Every complete stdout line, each checked to be one JSON object with a level name, an ISO time and a msg. */
function parseLines(stdout: string): Line[] {
  const complete = stdout.slice(0, stdout.lastIndexOf("\n") + 1);
  return complete
    .split("\n")
    .filter((text) => text.length > 0)
    .map((text) => {
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        throw new Error(`a stdout line is not JSON: ${text}`);
      }
      expect(line, text).toBeTypeOf("object");
      const { level, time, msg } = line as Line;
      expect(LEVELS, text).toContain(level);
      expect(time, text).toMatch(ISO_TIME);
      expect(msg, text).toBeTypeOf("string");
      return line as Line;
    });
}

const startsWith = (lines: Line[], prefix: string) => lines.filter((line) => line.msg.startsWith(prefix));

describe("logs: one JSON object per stdout line (pnpm start on PostgreSQL)", () => {
  let postgres: PostgresServer;
  let app: Awaited<ReturnType<typeof startServerProcess>>;
  const lines = () => parseLines(app.stdout());
  async function until<T>(what: string, find: () => T | undefined, ms = 15_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${what}: not logged within ${ms} ms:\n${app.stdout()}`);
      await sleep(100);
    }
  }
  const reconnectsTotal = async () => {
    const text = await (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    return Number(/^ociauth_change_feed_reconnects_total (\S+)$/m.exec(text)![1]);
  };

  beforeAll(async () => {
    postgres = await startPostgresServer();
    const databaseUrl = await postgres.createDatabase(); // new: the start runs Prisma's migrate deploy
    app = await startServerProcess({ DATABASE_URL: databaseUrl, AUTH_SECRET: E2E_AUTH_SECRET, METRICS: "on", METRICS_TOKEN });
  });
  afterAll(async () => {
    if (app) await stop(app.child);
    await postgres?.stop();
  });

  it("X-Request-Id: a valid one is reused in the log lines and echoed; an invalid one is replaced and never echoed nor logged", async () => {
    const get = (headers: Record<string, string>) => fetch(`${app.url}/api/v1/identities`, { headers });
    const reused = await get({ "x-request-id": "lb-7f3a.9:2026_12", traceparent: TRACEPARENT });
    expect(reused.status).toBe(401);
    expect(reused.headers.get("x-request-id")).toBe("lb-7f3a.9:2026_12");
    expect(((await reused.json()) as { reqId: string }).reqId).toBe("lb-7f3a.9:2026_12");

    const invalid = ["a request id with spaces", "x".repeat(129), 'id"quoted'];
    const replaced: string[] = [];
    for (const id of invalid) {
      const response = await get({ "x-request-id": id });
      const echoed = response.headers.get("x-request-id")!;
      expect(echoed).toMatch(/^req-[A-Za-z0-9]{14}$/);
      expect(((await response.json()) as { reqId: string }).reqId).toBe(echoed);
      replaced.push(echoed);
    }
    const made = (await get({})).headers.get("x-request-id")!;
    expect(made).toMatch(/^req-[A-Za-z0-9]{14}$/);
    expect(new Set([...replaced, made]).size).toBe(4);
    // tRPC answers carry the same id.
    const trpc = await fetch(`${app.url}/api/trpc/auth.me`, { headers: { "x-request-id": "trpc-call-1" } });
    expect(trpc.headers.get("x-request-id")).toBe("trpc-call-1");

    const access = (id: string) => lines().find((line) => line.msg === "request" && line.requestId === id);
    const line = await until("the access line of the reused id", () => access("lb-7f3a.9:2026_12"));
    expect(line).toMatchObject({ level: "info", path: "/api/v1/identities", status: 401, traceId: "4bf92f3577b34da6a3ce929d0e0e4736" });
    for (const id of [...replaced, made]) expect(await until(`the access line of ${id}`, () => access(id))).not.toHaveProperty("traceId");
    for (const id of invalid) expect(app.stdout()).not.toContain(JSON.stringify(id).slice(1, -1));
  });

  it("PostgreSQL stopped for 6 s: one 'disconnected' line with its cause, reconnects backing off, one 'reconnected' line", async () => {
    const before = await reconnectsTotal();
    const mark = lines().length;
    await postgres.pause();
    const stoppedAt = performance.now();
    await sleep(6000 - (performance.now() - stoppedAt));
    await postgres.resume();
    await until("change feed reconnected", () => startsWith(lines().slice(mark), "change feed reconnected")[0], 30_000);
    await sleep(1000); // nothing more may follow
    const during = lines().slice(mark);
    const disconnected = startsWith(during, "change feed disconnected");
    expect(disconnected).toHaveLength(1);
    expect(disconnected[0]).toMatchObject({ level: "warn", cause: expect.stringMatching(/\S/) });
    expect(disconnected[0]!.msg).toContain(disconnected[0]!.cause as string);
    const reconnected = startsWith(during, "change feed reconnected");
    expect(reconnected).toHaveLength(1);
    const { attempts, downMs } = reconnected[0] as unknown as { attempts: number; downMs: number };
    expect(downMs).toBeGreaterThanOrEqual(5000);
    // Backing off from 100 ms to 5 s: about ten attempts in the outage, where a fixed 250 ms made dozens.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(14);
    expect(during.filter((line) => line.msg.includes("change feed") && line !== disconnected[0] && line !== reconnected[0])).toEqual([]);
    expect((await reconnectsTotal()) - before).toBe(attempts);
    console.log(`change feed: ${attempts} reconnect attempts over a ${downMs} ms outage; cause: ${String(disconnected[0]!.cause)}`);
  });

  it("every stdout line, Prisma's migration output, start-up and shutdown included, is JSON with a level name and an ISO time", async () => {
    await stop(app.child);
    expect(await app.exited).toBe(0);
    const all = lines(); // each one checked by parseLines
    expect(app.stdout().endsWith("\n")).toBe(true);
    expect(startsWith(all, "Applying ")).toHaveLength(1);
    expect(all.filter((line) => line.source === "prisma").length).toBeGreaterThan(0);
    expect(all.some((line) => line.source === "prisma" && /migration/i.test(line.msg))).toBe(true);
    expect(startsWith(all, "OCI Auth listening on http://127.0.0.1:")).toHaveLength(1);
    expect(startsWith(all, "Metrics (Prometheus) at ")).toHaveLength(1);
    expect(startsWith(all, "SIGTERM received, shutting down")).toHaveLength(1);
    expect(startsWith(all, "stopped in ")).toHaveLength(1);
    for (const line of all.filter((l) => l.msg !== "request" && !("requestId" in l))) expect(line.service).toBe("ociauth");
  });

  it("the migration step on its own (scripts/migrate.mjs): Prisma's output as JSON lines too", async () => {
    const databaseUrl = await postgres.createDatabase();
    const { stdout } = await promisify(execFile)(process.execPath, ["scripts/migrate.mjs"], {
      cwd: appDir,
      env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET: E2E_AUTH_SECRET, PGLITE_DIR: "" },
    });
    const all = parseLines(stdout);
    expect(stdout.endsWith("\n")).toBe(true);
    expect(startsWith(all, "Checking database migrations")).toHaveLength(1);
    expect(all.filter((line) => line.source === "prisma").length).toBeGreaterThan(0);
    expect(startsWith(all, "Applied ")).toHaveLength(1);
  });
});
