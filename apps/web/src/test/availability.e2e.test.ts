import {
  MAX_EXPORTED_AUDIT_EVENTS,
  MAX_IDENTITY_METADATA_ENTRIES,
  MAX_IDENTITY_METADATA_KEY_LENGTH,
  MAX_IDENTITY_METADATA_VALUE_LENGTH,
  MAX_TRPC_BATCH_WEIGHT,
  trpcCallWeight,
} from "@ociauth/schema";
import { type PostgresServer, seedAuditEvents, startPostgresServer } from "@ociauth/db/testing";
import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_AUTH_SECRET, stop } from "./run-app";
import { startServerProcess } from "./server-process";

/** The most identities one list page holds (limit's maximum). */
const LIST_PAGE = 100;
const HEALTH_PROBE_EVERY_MS = 100;
/** How long the heaviest requests run together before the exports' clients go away. */
const LOAD_WINDOW_MS = 15_000;

/**
 * Availability under the heaviest requests the API allows (the production server on PostgreSQL):
 * while they all run at once, /healthz answers within 1 s every time and an OCI login succeeds.
 */
describe("availability under the heaviest allowed requests (pnpm start on PostgreSQL)", () => {
  let postgres: PostgresServer;
  let oci: OciStandIn;
  let app: Awaited<ReturnType<typeof startServerProcess>>;
  let adminToken: string;
  let orgId: string;
  let workloadId: string;
  const tenancyOcid = createTestOcid("tenancy");
  const userOcid = createTestOcid("user");
  const key = createTestApiKey();

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    postgres = await startPostgresServer();
    const databaseUrl = await postgres.createDatabase();
    oci = await startOciStandIn({ users: [{ id: userOcid, compartmentId: tenancyOcid, name: "loader", publicKeys: [key.publicKeyPem] }] });
    app = await startServerProcess({ DATABASE_URL: databaseUrl, AUTH_SECRET: E2E_AUTH_SECRET, OCI_IDENTITY_ENDPOINT: oci.url });
    const boot = await fetch(`${app.url}/api/v1/admin/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "load@example.com", password: "a-long-password!", organization: "Load" }),
    });
    const booted = (await boot.json()) as any;
    adminToken = booted.identity.credentials.token;
    orgId = booted.organization.id;

    // A full list page of identities with the most metadata each may carry.
    const metadata = Array.from({ length: MAX_IDENTITY_METADATA_ENTRIES }, (_, i) => ({
      key: `key-${i}-`.padEnd(MAX_IDENTITY_METADATA_KEY_LENGTH, "k"),
      value: "v".repeat(MAX_IDENTITY_METADATA_VALUE_LENGTH),
    }));
    for (let i = 0; i < LIST_PAGE; i++) {
      const created = await api("POST", "/api/v1/identities", { name: `large-${i}`, organizationId: orgId, role: "member", metadata });
      expect(created.status).toBe(200);
    }
    workloadId = (await api("POST", "/api/v1/identities", { name: "workload", organizationId: orgId, role: "member" })).body.identity.id;
    expect((await api("POST", `/api/v1/auth/oci-auth/identities/${workloadId}`, { tenancyOcid })).status).toBe(200);

    // The most audit events one export may hold, each at the audit cap (15 texts of 1,024 characters): ~1.6 GB of CSV an export.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE "orgId" = $1', [orgId]);
      const count = MAX_EXPORTED_AUDIT_EVENTS - rows[0]!.n - LIST_PAGE;
      await seedAuditEvents(async (sql, params) => (await client.query(sql, params)).rows, { orgId, count, texts: 15 });
    } finally {
      await client.end();
    }
  }, 600_000);

  afterAll(async () => {
    if (app) await stop(app.child);
    await oci?.close();
    await postgres?.stop();
  });

  /** A tRPC batch of identity lists (full pages) at the batch weight budget. */
  async function listBatchAtBudget(): Promise<number> {
    const calls = Math.floor(MAX_TRPC_BATCH_WEIGHT / trpcCallWeight("identities.list"));
    const names = Array.from({ length: calls }, () => "identities.list").join(",");
    const input = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { organizationId: orgId, limit: LIST_PAGE }]));
    const res = await fetch(`${app.url}/api/trpc/${names}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Ends when the load window is over: exports of ~1.6 GB each are read until then, then dropped. */
  let loadWindow: AbortController;
  const exportedBytes: number[] = [];

  /**
   * A CSV export of the most events an export may hold, at the audit cap: read as fast as this
   * process can until the load window ends (the whole file, ~1.6 GB, would take minutes per export
   * here), then the client goes away. Its status, and how much of it arrived, are what count.
   */
  async function largestAuditExport(): Promise<number> {
    const res = await fetch(`${app.url}/api/v1/audit-logs/export?organizationId=${orgId}&format=csv`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: loadWindow.signal,
    });
    let bytes = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    } catch (error) {
      if (!loadWindow.signal.aborted) throw error;
    }
    exportedBytes.push(bytes);
    return res.status;
  }

  /**
   * The heaviest requests the API allows, each run `count` times at once. A new kind of heavy
   * request (e.g. another export) is one more entry here.
   */
  const heavyRequests: { name: string; count: number; send: () => Promise<number> }[] = [
    { name: "tRPC batch of full identity lists at the weight budget", count: 10, send: listBatchAtBudget },
    { name: "audit export of the most events allowed", count: 10, send: largestAuditExport },
  ];

  async function ociLogin(): Promise<number> {
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid,
      fingerprint: key.fingerprint,
      privateKeyPem: key.privateKeyPem,
    });
    const res = await fetch(`${app.url}/api/v1/auth/oci-auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identityId: workloadId, userOcid, headers }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Sends every heavy request at once, probes /healthz all along and logs a workload in meanwhile. */
  async function runUnderLoad() {
    let running = true;
    const probes: number[] = [];
    const probing = (async () => {
      while (running) {
        const started = performance.now();
        const res = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        probes.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, HEALTH_PROBE_EVERY_MS));
      }
    })();
    loadWindow = new AbortController();
    const started = performance.now();
    let finished = 0;
    const heavy = heavyRequests.flatMap(({ name, count, send }) =>
      Array.from({ length: count }, async () => {
        const status = await send();
        finished++;
        return { name, status };
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // the heavy requests are under way
    const login = await ociLogin();
    const finishedBeforeLogin = finished;
    await new Promise((resolve) => setTimeout(resolve, LOAD_WINDOW_MS - 500));
    loadWindow.abort();
    const outcomes = await Promise.all(heavy);
    running = false;
    await probing;
    const seconds = Math.round(performance.now() - started) / 1000;
    const exportedMb = Math.round(exportedBytes.reduce((a, b) => a + b, 0) / 1e6);
    console.log(
      `${outcomes.length} heavy requests in ${seconds} s (${exportedMb} MB of exports streamed); ${probes.length} health probes, slowest ${Math.round(Math.max(...probes))} ms; login ${login}`,
    );
    return { probes, login, finishedBeforeLogin, outcomes };
  }

  let run: Awaited<ReturnType<typeof runUnderLoad>>;

  it("serves each of them or answers 503 at the request deadline (never a 500), and the process lives", async () => {
    run = await runUnderLoad();
    for (const { name, status } of run.outcomes) expect([200, 503], name).toContain(status);
    expect(app.child.exitCode).toBeNull();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("answers /healthz within 1 s every time and logs a workload in while they run", () => {
    expect(run.login).toBe(200);
    expect(run.finishedBeforeLogin).toBeLessThan(run.outcomes.length); // answered while heavy requests ran
    // Every export was streaming the whole window (none ended early or was refused).
    expect(exportedBytes).toHaveLength(10);
    for (const bytes of exportedBytes) expect(bytes).toBeGreaterThan(1_000_000);
    expect(run.probes.length).toBeGreaterThan(5);
    expect(Math.max(...run.probes)).toBeLessThan(1000);
  });
});
