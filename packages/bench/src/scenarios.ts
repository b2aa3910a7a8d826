import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import pg from "pg";
import { createOciAuthClient, OciAuthError } from "@ociauth/client";
import { type BenchOptions, type ScenarioId } from "./args.js";
import { runAutocannon, runLoop, type AutocannonRequest, type LoadOptions, type Measurement } from "./load.js";
import {
  PRINCIPAL_LOGIN_SCENARIOS,
  SigningPairs,
  USER_KEY_LOGIN_SCENARIOS,
  userKeyLoginConnections,
  userKeyLoginSigner,
} from "./login-pool.js";
import { principalLogins, userKeyLogins } from "./login-scenarios.js";
import { idleRssMB, lifetimePeakMB } from "./monitor.js";
import {
  api,
  ApiError,
  attachOciAuth,
  bootstrap,
  createIdentity,
  insertBulkIdentities,
  mapConcurrent,
  mintAccessToken,
  readSigningKey,
  distinctSigningDates,
  MAX_DISTINCT_SIGNING_DATES,
  ociLogin,
  signedLoginHeaders,
  type BulkIdentity,
  type OciUser,
} from "./seed.js";
import {
  HEALTH_PATH,
  migrate,
  startApp,
  startBaseline,
  timeStartup,
  type BaselineKind,
  type StartupTiming,
  type DbKind,
  type DbTarget,
  type RunningServer,
} from "./servers.js";

export interface ScenarioResult extends Partial<Measurement> {
  id: string;
  title: string;
  /** Set when the scenario could not run (e.g. its sanity request failed). */
  failed?: string;
}

export interface DbRun {
  db: DbKind;
  connections: number;
  scenarios: ScenarioResult[];
  baselines: ScenarioResult[];
  /** PostgreSQL only: database work per request of (a) and (e), from pg_stat_database. */
  dbWorkPerRequest?: Record<string, DbWork>;
  /** Idle RSS of the app server right after start (one health request, then a quiet second), before seeding. */
  appIdleRssMB: number | null;
  /** Peak RSS of the app server process over its whole life (start-up, seeding, all scenarios). */
  appLifetimePeakRssMB: number | null;
  /** `pnpm start` to the first 200: on this run's data (after the scenarios) and on a fresh database. */
  startup?: { existing: StartupRun; fresh: StartupRun };
  notes: string[];
}

export interface StartupRun {
  /** The median run by time to the first 200 (of `--repeat` runs). */
  median: StartupTiming | null;
  runs: StartupTiming[];
  failed?: string;
}

export interface DbWork {
  requests: number;
  /** Committed transactions per request: each statement outside a transaction is one (so ≈ statements). */
  transactions: number;
  rowsReturned: number;
  rowsFetched: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
}

export interface ScaleRow {
  identities: number;
  connections: number;
  requestsPerSec?: number;
  latencyMs?: Measurement["latencyMs"];
  non2xx?: number;
  errors?: number;
  idleRssMB?: number | null;
  peakRssMB?: number | null;
  cpu?: Measurement["cpu"];
  tokens: "minted" | "api-login-sample";
  distinctTokens: number;
  failed?: string;
}

export interface Env {
  options: BenchOptions;
  authSecret: string;
  ociEndpoint: string;
  user: OciUser;
  log: (line: string) => void;
  logFile: (name: string) => string;
  standInPid: number;
  /** The instance the stand-in serves for (p1)/(p16): its OCID and metadata URL. */
  instance: { id: string; metadataUrl: string };
  cpuProfileDir?: string;
  /** The throw-away PostgreSQL server's data folder (to find its processes for CPU figures). */
  postgresDataDir?: string;
}

export const TITLES: Record<ScenarioId | BaselineKind, string> = {
  a: "(a) REST read GET /auth/oci-auth/identities/{id}, unlimited token",
  b: "(b) attach/revoke cycles (POST + DELETE) on many identities",
  c: "(c) OCI login against the stand-in",
  c1: "(c1) OCI login, 1 connection (no queueing)",
  c16: "(c16) OCI login, 16 connections",
  g16: "(g16) OCI login signed as Infisical's Go SDK signs (date (request-target) host), 16 connections",
  p1: "(p1) principal login (challenge + login, instance principal) alternating with user-key logins, 1 connection",
  p16: "(p16) principal login (challenge + login, instance principal) alternating with user-key logins, 16 connections",
  d: "(d) tRPC read, typed client, one shared client (batching)",
  d1: "(d1) tRPC read, typed client, one client per loop (no batching)",
  e: "(e) REST read with a use-limited token (atomic count)",
  i16: "(i16) introspection of one hot token, 16 connections",
  iu16: "(iu16) introspection of tokens spread uniformly over N identities, 16 connections",
  v: "(v) offline verification in the client (@ociauth/client verifyAccessToken), key set cached",
  "raw-node": "baseline: node:http + pg, same work as (a)",
  fastify: "baseline: Fastify + pg, same work as (a)",
  l0: "baseline L0: node:http, token verified once, config from memory",
  l1: "baseline L1: L0 + one audit row per read (group commit, awaited)",
};

export const readPath = (identityId: string) => `/api/v1/auth/oci-auth/identities/${identityId}`;

/** Runs a measurement `times` times and keeps the median by req/s (all runs listed in extra). */
async function median(times: number, measure: () => Promise<Measurement>): Promise<Measurement> {
  if (times <= 1) return measure();
  const runs: Measurement[] = [];
  for (let i = 0; i < times; i++) runs.push(await measure());
  const sorted = [...runs].sort((x, y) => x.requestsPerSec - y.requestsPerSec);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  mid.extra = { ...mid.extra, repeatedRequestsPerSec: runs.map((r) => r.requestsPerSec), repeatedP99Ms: runs.map((r) => r.latencyMs.p99) };
  return mid;
}

/** The app's health endpoint must answer 200. */
export async function healthCheck(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}${HEALTH_PATH}`);
  const body = await res.text();
  if (!res.ok) throw new ApiError(res.status, body, `GET ${HEALTH_PATH}`);
}

/** One request before the load: the scenario must work at all. Returns the response body. */
export async function sanityGet(baseUrl: string, path: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  if (!res.ok) throw new ApiError(res.status, body, `GET ${path}`);
  return body;
}

interface L1Stats {
  auditRows: number;
  auditInserts: number;
}

/** L1's counters (rows committed, INSERT statements) around the measured window. */
function l1AuditCounts(baseUrl: string): NonNullable<LoadOptions["aroundMeasure"]> {
  const stats = async () => (await (await fetch(`${baseUrl}/_bench/stats`)).json()) as L1Stats;
  let before: L1Stats | undefined;
  return {
    async before() {
      before = await stats();
    },
    async after(requests) {
      const after = await stats();
      const rows = after.auditRows - (before?.auditRows ?? 0);
      const inserts = after.auditInserts - (before?.auditInserts ?? 0);
      return {
        auditRowsCommitted: rows,
        auditInserts: inserts,
        auditRowsPerInsert: inserts ? Math.round((rows / inserts) * 10) / 10 : null,
        responsesInWindow: requests,
      };
    },
  };
}

/** "server 98% · pg 40% · stand-in 0% · load gen 60% · machine 95% (load 6.1)" */
export function cpuText(cpu: Measurement["cpu"] | undefined): string {
  if (!cpu) return "–";
  const parts = [`server ${cpu.serverPct ?? "?"}%`];
  if (cpu.postgresPct !== undefined) parts.push(`pg ${cpu.postgresPct ?? "?"}%`);
  if (cpu.standInPct && cpu.standInPct >= 1) parts.push(`stand-in ${cpu.standInPct}%`);
  parts.push(`load gen ${cpu.loadGeneratorPct}%`, `machine ${cpu.machineBusyPct}% busy (load ${cpu.loadAverage1m})`);
  return parts.join(" · ");
}

export async function guarded(id: ScenarioId | BaselineKind, env: Env, fn: () => Promise<Measurement>): Promise<ScenarioResult> {
  env.log(`  ${TITLES[id]} …`);
  try {
    const m = await fn();
    env.log(
      `    ${m.requestsPerSec} req/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, non-2xx ${m.non2xx}, errors ${m.errors + m.timeouts}, RSS idle ${m.rss?.idleMB ?? "?"} / peak ${m.rss?.peakMB ?? "?"} MB, CPU ${cpuText(m.cpu)}`,
    );
    if (m.sampleFailures.length) env.log(`    first failures: ${m.sampleFailures.join(" | ")}`);
    return { id, title: TITLES[id], ...m };
  } catch (error) {
    const message = (error as Error).message;
    env.log(`    FAILED: ${message}`);
    return { id, title: TITLES[id], failed: message };
  }
}

export interface MainSeed {
  boot: Awaited<ReturnType<typeof bootstrap>>;
  readId: string;
  readToken: string;
  limitedId: string;
  limitedToken: string;
  loginId: string;
  /** (key, second) pairs the login pools of (c)/(c1)/(c16) have signed on this database. */
  loginPairs: SigningPairs;
  /** The identity of the principal logins (p1)/(p16): instance principals allowed. */
  principalId: string;
  cycleIds: string[];
}

export async function seedMain(baseUrl: string, env: Env): Promise<MainSeed> {
  const { user } = env;
  const boot = await bootstrap(baseUrl);
  const [readId, limitedId, loginId, principalId] = await Promise.all(
    ["bench-read", "bench-limited", "bench-login", "bench-principal"].map((name) => createIdentity(baseUrl, boot, name)),
  );
  await attachOciAuth(baseUrl, boot, readId!, user.tenancyOcid);
  await attachOciAuth(baseUrl, boot, limitedId!, user.tenancyOcid, { accessTokenNumUsesLimit: 100_000_000 });
  await attachOciAuth(baseUrl, boot, loginId!, user.tenancyOcid);
  // The bench instance lives in the user's tenancy.
  await attachOciAuth(baseUrl, boot, principalId!, user.tenancyOcid, { allowedPrincipalTypes: ["instance"] });
  // One signed header set logs in once: each login signs its own second (the main key; the
  // login pools of (c)/(c1)/(c16) sign with the user's other keys).
  const [readDate, limitedDate] = distinctSigningDates(2);
  const readToken = await ociLogin(baseUrl, readId!, user, await signedLoginHeaders(user, readDate));
  const limitedToken = await ociLogin(baseUrl, limitedId!, user, await signedLoginHeaders(user, limitedDate));
  const cycleCount = Math.max(64, env.options.connections * 4);
  const cycleIds = await mapConcurrent(
    Array.from({ length: cycleCount }, (_, i) => i),
    8,
    (i) => createIdentity(baseUrl, boot, `bench-cycle-${i}`),
  );
  return {
    boot,
    readId: readId!,
    readToken,
    limitedId: limitedId!,
    limitedToken,
    loginId: loginId!,
    loginPairs: new SigningPairs(user.poolKeys),
    principalId: principalId!,
    cycleIds,
  };
}

function watchTargets(env: Env, server: RunningServer, db: DbKind) {
  return { serverPid: server.handle.pid, standInPid: env.standInPid, postgresDataDir: db === "postgres" ? env.postgresDataDir : undefined };
}

export function loadOptions(env: Env, server: RunningServer, db: DbKind): LoadOptions {
  return {
    connections: env.options.connections,
    durationSec: env.options.durationSec,
    warmupSec: env.options.warmupSec,
    watch: watchTargets(env, server, db),
  };
}

export function readRequests(identityId: string, token: string): AutocannonRequest[] {
  return [{ method: "GET", path: readPath(identityId), headers: { authorization: `Bearer ${token}` } }];
}

/** (b): each connection takes a free identity, attaches OCI auth, revokes it, gives it back. */
async function attachRevokeCycles(app: RunningServer, seed: MainSeed, env: Env, db: DbKind): Promise<Measurement> {
  const auth = `Bearer ${seed.boot.adminToken}`;
  const free = [...seed.cycleIds];
  const inUse = new Set<string>();
  const body = JSON.stringify({ tenancyOcid: env.user.tenancyOcid });
  type Ctx = { id?: string };
  const requests: AutocannonRequest[] = [
    {
      method: "POST",
      setupRequest: (req, context) => {
        const ctx = context as Ctx;
        const id = free.shift() ?? [...inUse][Math.floor(Math.random() * inUse.size)]!;
        inUse.add(id);
        ctx.id = id;
        return { ...req, method: "POST", path: readPath(id), headers: { authorization: auth, "content-type": "application/json" }, body };
      },
    },
    {
      method: "DELETE",
      setupRequest: (req, context) => ({
        ...req,
        method: "DELETE",
        path: readPath((context as Ctx).id!),
        headers: { authorization: auth },
      }),
      onResponse: (status, _body, context) => {
        const id = (context as Ctx).id!;
        // Back to the pool only when known to be detached; reconcile() cleans the rest.
        if ((status >= 200 && status < 300) || status === 404) {
          inUse.delete(id);
          free.push(id);
        }
      },
    },
  ];
  // Requests cut off when a run ends leave identities attached: detach them between runs.
  const reconcile = async () => {
    await sleep(300);
    for (const id of [...inUse]) {
      await api(app.url, "DELETE", readPath(id), undefined, seed.boot.adminToken).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      });
      inUse.delete(id);
      free.push(id);
    }
  };
  const m = await runAutocannon(app.url, requests, loadOptions(env, app, db), reconcile);
  m.extra = { ...m.extra, identitiesInPool: seed.cycleIds.length, cyclesPerSec: Math.round((m.requestsPerSec / 2) * 10) / 10 };
  return m;
}

/** (d)/(d1): the typed tRPC client; counts HTTP requests to show tRPC's batching. */
async function trpcReads(app: RunningServer, seed: MainSeed, env: Env, db: DbKind, shared: boolean): Promise<Measurement> {
  let httpRequests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    httpRequests++;
    return fetch(input, init);
  };
  const makeClient = () => createOciAuthClient({ url: app.url, token: seed.readToken, fetch: countingFetch });
  const sharedClient = makeClient();
  await sharedClient.ociAuth.get.query({ identityId: seed.readId });
  let measuredFrom = 0;
  const m = await runLoop(
    () => {
      const client = shared ? sharedClient : makeClient();
      return async () => {
        try {
          await client.ociAuth.get.query({ identityId: seed.readId });
          return { ok: true, status: 200 };
        } catch (error) {
          if (error instanceof OciAuthError) return { ok: false, status: error.status, body: `${error.error}: ${error.message}` };
          throw error;
        }
      };
    },
    loadOptions(env, app, db),
    { onMeasureStart: () => (measuredFrom = httpRequests) },
  );
  const http = httpRequests - measuredFrom;
  m.extra = {
    ...m.extra,
    httpRequestsPerSec: Math.round((http / m.durationSec) * 10) / 10,
    callsPerHttpRequest: http ? Math.round((m.requests / http) * 100) / 100 : null,
  };
  return m;
}

interface PgStat {
  xact_commit: string;
  tup_returned: string;
  tup_fetched: string;
  tup_inserted: string;
  tup_updated: string;
  tup_deleted: string;
}

async function pgStat(url: string): Promise<PgStat> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query(
      "SELECT xact_commit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()",
    );
    return res.rows[0] as PgStat;
  } finally {
    await client.end();
  }
}

/**
 * What one request costs the database: pg_stat_database deltas around a short run, divided by
 * the requests. Backends flush their statistics within ~10 s when idle, hence the waits. Includes
 * the app's batched background writes (use counts, audit events) amortised per request.
 */
async function dbWork(url: string, baseUrl: string, requests: AutocannonRequest[], env: Env): Promise<DbWork> {
  const idle = 11_000;
  await sleep(idle);
  const before = await pgStat(url);
  const result = await autocannon({ url: baseUrl, connections: 16, duration: Math.min(3, env.options.durationSec), requests });
  await sleep(idle);
  const after = await pgStat(url);
  const n = result.requests.total;
  const per = (key: keyof PgStat) => Math.round(((Number(after[key]) - Number(before[key])) / n) * 100) / 100;
  return {
    requests: n,
    transactions: per("xact_commit"),
    rowsReturned: per("tup_returned"),
    rowsFetched: per("tup_fetched"),
    rowsInserted: per("tup_inserted"),
    rowsUpdated: per("tup_updated"),
    rowsDeleted: per("tup_deleted"),
  };
}

/** Scenarios (a)-(e) on one database, then the baselines on the same database. */
export async function runMain(db: DbKind, target: DbTarget, env: Env, freshTarget: (name: string) => Promise<DbTarget>): Promise<DbRun> {
  const run: DbRun = {
    db,
    connections: env.options.connections,
    scenarios: [],
    baselines: [],
    appIdleRssMB: null,
    appLifetimePeakRssMB: null,
    notes: [],
  };
  env.log(`[${db}] migrating…`);
  await migrate(target, env.logFile(`${db}-migrate.log`));
  env.log(`[${db}] starting the app server…`);
  const app = await startApp({
    target,
    authSecret: env.authSecret,
    ociEndpoint: env.ociEndpoint,
    logFile: env.logFile(`${db}-app.log`),
    cpuProfileDir: env.cpuProfileDir,
  });
  let seed: MainSeed;
  let appReadBody: string | undefined;
  try {
    await healthCheck(app.url);
    run.appIdleRssMB = await idleRssMB(app.handle.pid);
    env.log(`[${db}] app idle RSS after start: ${run.appIdleRssMB ?? "?"} MB`);
    env.log(`[${db}] seeding through the API…`);
    seed = await seedMain(app.url, env);
    // The app's answer to (a)'s read: the baselines' answers are compared with it.
    appReadBody = await sanityGet(app.url, readPath(seed.readId), seed.readToken);
    const want = new Set(env.options.scenarios);
    if (want.has("a")) {
      run.scenarios.push(
        await guarded("a", env, async () => {
          await sanityGet(app.url, readPath(seed.readId), seed.readToken);
          return median(env.options.repeat, () =>
            runAutocannon(app.url, readRequests(seed.readId, seed.readToken), loadOptions(env, app, db)),
          );
        }),
      );
    }
    if (want.has("b")) run.scenarios.push(await guarded("b", env, () => attachRevokeCycles(app, seed, env, db)));
    const userKeySeed = { user: env.user, identityId: seed.loginId, pairs: seed.loginPairs };
    for (const id of USER_KEY_LOGIN_SCENARIOS.filter((s) => want.has(s))) {
      const load = { ...loadOptions(env, app, db), connections: userKeyLoginConnections(id, env.options) };
      run.scenarios.push(await guarded(id, env, () => userKeyLogins(app.url, load, userKeySeed, env.log, userKeyLoginSigner(id))));
    }
    for (const { id, connections } of PRINCIPAL_LOGIN_SCENARIOS.filter((p) => want.has(p.id))) {
      const load = { ...loadOptions(env, app, db), connections };
      const principalSeed = {
        identityId: seed.principalId,
        standInUrl: env.ociEndpoint,
        instanceId: env.instance.id,
        metadataUrl: env.instance.metadataUrl,
        userKey: userKeySeed,
      };
      run.scenarios.push(await guarded(id, env, () => principalLogins(app.url, load, principalSeed, env.log)));
    }
    if (want.has("d")) run.scenarios.push(await guarded("d", env, () => trpcReads(app, seed, env, db, true)));
    if (want.has("d1")) run.scenarios.push(await guarded("d1", env, () => trpcReads(app, seed, env, db, false)));
    if (want.has("e")) {
      run.scenarios.push(
        await guarded("e", env, async () => {
          await sanityGet(app.url, readPath(seed.limitedId), seed.limitedToken);
          const m = await runAutocannon(app.url, readRequests(seed.limitedId, seed.limitedToken), loadOptions(env, app, db));
          const res = await api<{ identityOciAuth: unknown }>(app.url, "GET", readPath(seed.limitedId), undefined, seed.limitedToken).catch(
            (e: Error) => e.message,
          );
          m.extra = { ...m.extra, afterRunRead: typeof res === "string" ? res : "ok" };
          return m;
        }),
      );
    }
    run.appLifetimePeakRssMB = lifetimePeakMB(app.handle.pid);
    if (target.kind === "postgres" && env.options.dbStats) {
      env.log("  PostgreSQL work per request of (a) and (e) (pg_stat_database, ~25 s each) …");
      run.dbWorkPerRequest = {};
      try {
        run.dbWorkPerRequest.a = await dbWork(target.url, app.url, readRequests(seed.readId, seed.readToken), env);
        run.dbWorkPerRequest.e = await dbWork(target.url, app.url, readRequests(seed.limitedId, seed.limitedToken), env);
        env.log(`    (a) ${JSON.stringify(run.dbWorkPerRequest.a)}\n    (e) ${JSON.stringify(run.dbWorkPerRequest.e)}`);
      } catch (error) {
        env.log(`    FAILED: ${(error as Error).message}`);
      }
    }
  } finally {
    await app.stop();
  }

  if (env.options.baselines.length) {
    // The app is stopped first: the baselines get the machine to themselves (and PGlite's folder).
    if (db === "pglite")
      run.notes.push(
        "PGlite baselines open the same PGlite folder in their own process (the app is stopped; PGlite is one process per folder), so they compare framework cost on the same embedded engine (L0 reads it once at start and closes it).",
      );
    for (const kind of env.options.baselines) {
      const server = await startBaseline(kind, target, env.logFile(`${db}-${kind}.log`)).catch((error: Error) => error);
      if (server instanceof Error) {
        env.log(`  ${TITLES[kind]}: FAILED to start: ${server.message}`);
        run.baselines.push({ id: kind, title: TITLES[kind], failed: server.message });
        continue;
      }
      try {
        run.baselines.push(
          await guarded(kind, env, async () => {
            const body = await sanityGet(server.url, readPath(seed.readId), seed.readToken);
            const options = loadOptions(env, server, db);
            if (kind === "l1") options.aroundMeasure = l1AuditCounts(server.url);
            const m = await median(env.options.repeat, () => runAutocannon(server.url, readRequests(seed.readId, seed.readToken), options));
            // Same JSON as the app's? (L0/L1 are built to answer byte for byte the same body.)
            if (appReadBody !== undefined) m.extra = { ...m.extra, sameBodyAsApp: body === appReadBody };
            return m;
          }),
        );
      } finally {
        await server.stop();
      }
    }
  }
  if (env.options.startup) {
    env.log(`[${db}] start-up: \`pnpm start\` (node apps/web/scripts/start.mjs) to the first 200 …`);
    const existing = await startupRuns(env, "existing", () =>
      timeStartup(
        { target, authSecret: env.authSecret, ociEndpoint: env.ociEndpoint, logFile: env.logFile(`${db}-start-existing.log`) },
        { path: readPath(seed.readId), token: seed.readToken },
      ),
    );
    let fresh = 0;
    const freshRun = await startupRuns(env, "fresh", async () => {
      const freshDb = await freshTarget(`bench_start_fresh_${++fresh}`);
      try {
        return await timeStartup({
          target: freshDb,
          authSecret: env.authSecret,
          ociEndpoint: env.ociEndpoint,
          logFile: env.logFile(`${db}-start-fresh.log`),
        });
      } finally {
        if (freshDb.kind === "pglite") rmSync(freshDb.dir, { recursive: true, force: true });
      }
    });
    run.startup = { existing, fresh: freshRun };
  }
  return run;
}

/** `--repeat` start-up timings; the median by time to the first 200. */
async function startupRuns(env: Env, label: string, once: () => Promise<StartupTiming>): Promise<StartupRun> {
  const runs: StartupTiming[] = [];
  try {
    for (let i = 0; i < env.options.repeat; i++) {
      const t = await once();
      runs.push(t);
      env.log(
        `  ${label} data: first 200 after ${t.first200Ms} ms (migrate done ${t.migratedMs ?? "?"} ms, listening ${t.listeningMs ?? "?"} ms${t.firstReadMs === undefined ? "" : `, first (a) read ${t.firstReadMs} ms`})`,
      );
    }
  } catch (error) {
    const message = (error as Error).message;
    env.log(`  ${label} data: FAILED ${message}`);
    return { median: null, runs, failed: message };
  }
  const sorted = [...runs].sort((x, y) => x.first200Ms - y.first200Ms);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)] ?? null, runs };
}

// ---------------------------------------------------------------------------------------------

/** Scenario (a) over 10 → 10k → 100k identities (rows added in bulk), at 1, 16 and 64 connections. */
export async function runScale(db: DbKind, target: DbTarget, env: Env): Promise<ScaleRow[]> {
  const rowsOut: ScaleRow[] = [];
  env.log(`[${db}] scale run: migrating a fresh database…`);
  await migrate(target, env.logFile(`${db}-scale-migrate.log`));
  let app = await startApp({
    target,
    authSecret: env.authSecret,
    ociEndpoint: env.ociEndpoint,
    logFile: env.logFile(`${db}-scale-app-0.log`),
  });
  let boot: Awaited<ReturnType<typeof bootstrap>>;
  try {
    boot = await bootstrap(app.url);
  } finally {
    await app.stop();
  }
  // The key the app created at its first start: the bulk rows name it, their tokens are signed with it.
  const key = await readSigningKey(target, env.authSecret, boot.orgId);
  const rows: BulkIdentity[] = [];
  for (const size of env.options.scaleSizes) {
    const started = Date.now();
    rows.push(...(await insertBulkIdentities(target, boot.orgId, env.user.tenancyOcid, size - rows.length, rows.length, key.kid)));
    env.log(
      `[${db}] scale: ${rows.length} identities (+ config + token row each) in the database (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    app = await startApp({
      target,
      authSecret: env.authSecret,
      ociEndpoint: env.ociEndpoint,
      logFile: env.logFile(`${db}-scale-app-${size}.log`),
      cpuProfileDir: env.cpuProfileDir,
    });
    try {
      // iss = aud = this start's issuer (PUBLIC_URL is the URL the app was started at).
      let tokens = await Promise.all(rows.map((row) => mintAccessToken(key, app.url, boot.orgId, row)));
      let ids = rows.map((row) => row.identityId);
      let tokenKind: ScaleRow["tokens"] = "minted";
      try {
        await sanityGet(app.url, readPath(ids[0]!), tokens[0]!);
      } catch (error) {
        env.log(`[${db}] scale: minted tokens rejected (${(error as Error).message}); logging in through the API for a sample instead`);
        // One signed header set logs in once, one key signs one second once: as many logins as seconds in the window.
        const sample = rows.slice(0, Math.min(rows.length, MAX_DISTINCT_SIGNING_DATES));
        const dates = distinctSigningDates(sample.length);
        tokens = await mapConcurrent(sample, 16, async (row, i) =>
          ociLogin(app.url, row.identityId, env.user, await signedLoginHeaders(env.user, dates[i])),
        );
        ids = sample.map((row) => row.identityId);
        tokenKind = "api-login-sample";
      }
      // Uniform: every request picks one of all N identities (cache misses, N distinct tokens).
      // Hot: one of the first 10 only, on the same table (index lookups without the miss path).
      const randomRead = (count: number): AutocannonRequest[] => [
        {
          method: "GET",
          setupRequest: (req) => {
            const i = Math.floor(Math.random() * count);
            return { ...req, method: "GET", path: readPath(ids[i]!), headers: { authorization: `Bearer ${tokens[i]}` } };
          },
        },
      ];
      const steps: { connections: number; distinct: number }[] = env.options.scaleConcurrency.map((connections) => ({
        connections,
        distinct: ids.length,
      }));
      if (ids.length > 10) steps.push({ connections: Math.max(...env.options.scaleConcurrency), distinct: 10 });
      for (const { connections, distinct } of steps) {
        const label = `[${db}] scale: ${rows.length} identities, ${connections} connections, ${distinct} distinct tokens`;
        try {
          const m = await runAutocannon(app.url, randomRead(distinct), {
            connections,
            durationSec: env.options.scaleDurationSec,
            warmupSec: env.options.scaleWarmupSec,
            watch: watchTargets(env, app, db),
          });
          env.log(
            `  ${label}: ${m.requestsPerSec} req/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, non-2xx ${m.non2xx}, RSS idle ${m.rss?.idleMB} / peak ${m.rss?.peakMB} MB, CPU ${cpuText(m.cpu)}`,
          );
          if (m.sampleFailures.length) env.log(`    first failures: ${m.sampleFailures.join(" | ")}`);
          rowsOut.push({
            identities: rows.length,
            connections,
            requestsPerSec: m.requestsPerSec,
            latencyMs: m.latencyMs,
            non2xx: m.non2xx,
            errors: m.errors + m.timeouts,
            idleRssMB: m.rss?.idleMB ?? null,
            peakRssMB: m.rss?.peakMB ?? null,
            cpu: m.cpu,
            tokens: tokenKind,
            distinctTokens: distinct,
          });
        } catch (error) {
          env.log(`  ${label}: FAILED ${(error as Error).message}`);
          rowsOut.push({
            identities: rows.length,
            connections,
            tokens: tokenKind,
            distinctTokens: distinct,
            failed: (error as Error).message,
          });
        }
      }
    } finally {
      await app.stop();
    }
  }
  return rowsOut;
}
