import { type DbKind } from "./servers.js";
import { type DbRun, type ScaleRow, type ScenarioResult } from "./scenarios.js";
import { PRINCIPAL_LOGIN_SCENARIOS } from "./login-pool.js";
import { type CpuReading } from "./monitor.js";
import { type VerificationRun } from "./verification-scenarios.js";

export interface Headline {
  appReadRps: number | null;
  rawBaselineRps: number | null;
  fastifyBaselineRps: number | null;
  l0BaselineRps: number | null;
  l1BaselineRps: number | null;
  /** Our (a) throughput / the raw node:http + pg baseline's: the headline figure. */
  ratioToRaw: number | null;
  /** Our (a) throughput / Fastify + pg's. */
  ratioToFastify: number | null;
  /** Our (a) throughput / L0's (the read from memory, no database work): how close to the floor. */
  ratioToL0: number | null;
  /** Our (a) throughput / L1's (L0 plus the audit row the app also writes per read). */
  ratioToL1: number | null;
  appReadP99Ms: number | null;
  l0P99Ms: number | null;
  l1P99Ms: number | null;
  /** `pnpm start` to the first 200 (ms, median), on the run's data and on a fresh database. */
  startupExistingMs: number | null;
  startupFreshMs: number | null;
  /** The app's RSS right after start (idle) and its peak over the whole run. */
  appIdleRssMB: number | null;
  appLifetimePeakRssMB: number | null;
  /** The principal login's server-side time against the user-key login's, per connection count measured. */
  principalVsUserKey: LoginComparison[];
}

/**
 * (p1)/(p16): the principal login against the user-key logins it alternated with in the same
 * window (the headline), and against (c1)/(c16) run alone. Server-Timing `app` is our time, OCI's excluded.
 */
export interface LoginComparison {
  connections: number;
  principal: string;
  userKey: string;
  /** Server-Timing `app` per principal login: the challenge request's plus the login request's. */
  principalAppP50Ms: number | null;
  /** The two requests' own `app` p50s (the sum's p50 is not their sum). */
  principalChallengeAppP50Ms: number | null;
  principalLoginAppP50Ms: number | null;
  /** The user-key logins of the same window. */
  userKeyAppP50Ms: number | null;
  /** principalAppP50Ms / userKeyAppP50Ms: the headline of the principal login (target ≤ 1.5). */
  appP50Ratio: number | null;
  /** (c1)/(c16), run alone before: its `app` p50, and the principal's against it. */
  userKeyAloneAppP50Ms: number | null;
  aloneAppP50Ratio: number | null;
  principalAppP99Ms: number | null;
  userKeyAppP99Ms: number | null;
  principalLoginsPerSec: number | null;
  userKeyLoginsPerSec: number | null;
  /** Both round trips of a principal login (challenge, login signed ahead), and the login request alone. */
  principalE2eMs: Percentiles | null;
  principalLoginRequestMs: Percentiles | null;
  userKeyE2eMs: Percentiles | null;
  principalChallengeP50Ms: number | null;
  /** Client-side: signing one login, timed alone before the load. */
  signingCalibrationP50Ms: number | null;
  /** Over the window, both methods (as the app's CPU is not split by request). */
  non2xx: number | null;
  appCpuMsPerLogin: number | null;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? Math.round((a / b) * 1000) / 1000 : null);

const find = (list: ScenarioResult[], id: string) => list.find((s) => s.id === id && !s.failed);

type Percentiles = { p50: number; p99: number };
const appTiming = (s: ScenarioResult | undefined) => s?.extra?.serverTimingAppMs as Percentiles | undefined;
const appPerRequest = (s: ScenarioResult | undefined, request: "challenge" | "login") =>
  (s?.extra?.serverTimingAppPerRequestMs as Record<string, Percentiles> | undefined)?.[request];
const clientPart = (s: ScenarioResult | undefined, part: string) =>
  (s?.extra?.clientPartsMs as Record<string, Percentiles> | undefined)?.[part];
const cpuMsPerRequest = (s: ScenarioResult | undefined) =>
  s?.cpu?.serverPct !== undefined && s.cpu.serverPct !== null && s.requestsPerSec
    ? Math.round((s.cpu.serverPct * 10 * 100) / s.requestsPerSec) / 100
    : null;

type PerMethod = { logins: number; loginsPerSec: number; e2eMs: Percentiles; serverTimingAppMs: Percentiles };
const method = (s: ScenarioResult | undefined, which: "own" | "paired") => s?.extra?.[which] as PerMethod | undefined;

/** Each principal login scenario that ran: against its paired user-key logins and (c1)/(c16). */
export function loginComparisons(run: DbRun): LoginComparison[] {
  const ran = (id: string) => run.scenarios.some((s) => s.id === id);
  return PRINCIPAL_LOGIN_SCENARIOS.filter((p) => ran(p.id)).map(({ id, connections, userKey }) => {
    const p = find(run.scenarios, id);
    const c = find(run.scenarios, userKey);
    const own = method(p, "own");
    const paired = method(p, "paired");
    return {
      connections,
      principal: id,
      userKey,
      principalAppP50Ms: appTiming(p)?.p50 ?? null,
      principalChallengeAppP50Ms: appPerRequest(p, "challenge")?.p50 ?? null,
      principalLoginAppP50Ms: appPerRequest(p, "login")?.p50 ?? null,
      userKeyAppP50Ms: paired?.serverTimingAppMs.p50 ?? null,
      appP50Ratio: ratio(appTiming(p)?.p50, paired?.serverTimingAppMs.p50),
      userKeyAloneAppP50Ms: appTiming(c)?.p50 ?? null,
      aloneAppP50Ratio: ratio(appTiming(p)?.p50, appTiming(c)?.p50),
      principalAppP99Ms: appTiming(p)?.p99 ?? null,
      userKeyAppP99Ms: paired?.serverTimingAppMs.p99 ?? null,
      principalLoginsPerSec: own?.loginsPerSec ?? null,
      userKeyLoginsPerSec: paired?.loginsPerSec ?? null,
      principalE2eMs: own?.e2eMs ?? null,
      principalLoginRequestMs: clientPart(p, "login") ?? null,
      userKeyE2eMs: paired?.e2eMs ?? null,
      principalChallengeP50Ms: clientPart(p, "challenge")?.p50 ?? null,
      signingCalibrationP50Ms: (p?.extra?.signingCalibrationMs as Percentiles | undefined)?.p50 ?? null,
      non2xx: p?.non2xx ?? null,
      appCpuMsPerLogin: cpuMsPerRequest(p),
    };
  });
}

export function headline(run: DbRun): Headline {
  const a = find(run.scenarios, "a");
  const raw = find(run.baselines, "raw-node");
  const fastify = find(run.baselines, "fastify");
  const l0 = find(run.baselines, "l0");
  const l1 = find(run.baselines, "l1");
  return {
    appReadRps: a?.requestsPerSec ?? null,
    rawBaselineRps: raw?.requestsPerSec ?? null,
    fastifyBaselineRps: fastify?.requestsPerSec ?? null,
    l0BaselineRps: l0?.requestsPerSec ?? null,
    l1BaselineRps: l1?.requestsPerSec ?? null,
    ratioToRaw: ratio(a?.requestsPerSec, raw?.requestsPerSec),
    ratioToFastify: ratio(a?.requestsPerSec, fastify?.requestsPerSec),
    ratioToL0: ratio(a?.requestsPerSec, l0?.requestsPerSec),
    ratioToL1: ratio(a?.requestsPerSec, l1?.requestsPerSec),
    appReadP99Ms: a?.latencyMs?.p99 ?? null,
    l0P99Ms: l0?.latencyMs?.p99 ?? null,
    l1P99Ms: l1?.latencyMs?.p99 ?? null,
    startupExistingMs: run.startup?.existing.median?.first200Ms ?? null,
    startupFreshMs: run.startup?.fresh.median?.first200Ms ?? null,
    appIdleRssMB: run.appIdleRssMB,
    appLifetimePeakRssMB: run.appLifetimePeakRssMB,
    principalVsUserKey: loginComparisons(run),
  };
}

/** The issue's targets (#6), evaluated on this run's figures. */
export function targets(run: DbRun, scale: ScaleRow[] | undefined): TargetCheck[] {
  const h = headline(run);
  const appP50 = (id: string) => (find(run.scenarios, id)?.extra?.serverTimingAppMs as { p50: number } | undefined)?.p50;
  const app1 = appP50("c1");
  const app64 = appP50("c");
  const peaks = run.scenarios.map((s) => s.rss?.peakMB).filter((v): v is number => typeof v === "number");
  const peak = peaks.length ? Math.max(...peaks) : null;
  const checks: TargetCheck[] = [
    {
      target: "(a) ≥ 50% of the raw baseline's throughput",
      measured: h.ratioToRaw === null ? "n/a" : `${(h.ratioToRaw * 100).toFixed(1)}%`,
      met: h.ratioToRaw === null ? null : h.ratioToRaw >= 0.5,
    },
    {
      target: `(a) p99 ≤ 25 ms at ${run.connections} connections`,
      measured: h.appReadP99Ms === null ? "n/a" : `${h.appReadP99Ms} ms`,
      met: h.appReadP99Ms === null ? null : h.appReadP99Ms <= 25,
    },
    {
      target: "(a) at least as fast as Fastify + pg",
      measured: h.ratioToFastify === null ? "n/a" : `${(h.ratioToFastify * 100).toFixed(1)}%`,
      met: h.ratioToFastify === null ? null : h.ratioToFastify >= 1,
    },
    {
      target: "(c) our server-side time p50 ≤ 3 ms (judged at 1 connection)",
      measured: `${app1 ?? "n/a"} ms at 1 connection, ${app64 ?? "n/a"} ms at ${run.connections}`,
      met: app1 === undefined ? null : app1 <= 3,
    },
    ...h.principalVsUserKey.map((l) => ({
      target: `(${l.principal}) principal login server-side p50 ≤ 1.5× the user-key login's (alternating in one window), ${l.connections} connection${l.connections === 1 ? "" : "s"}`,
      measured:
        l.appP50Ratio === null
          ? "n/a"
          : `${l.appP50Ratio.toFixed(2)}× (Server-Timing app p50 ${l.principalAppP50Ms} ms, challenge + login, vs ${l.userKeyAppP50Ms} ms; vs (${l.userKey}) alone ${l.aloneAppP50Ratio === null ? "n/a" : `${l.aloneAppP50Ratio.toFixed(2)}×`})`,
      met: l.appP50Ratio === null ? null : l.appP50Ratio <= 1.5,
    })),
    {
      target: "server peak RSS under load ≤ 350 MB",
      measured: peak === null ? "n/a" : `${peak} MB`,
      met: peak === null ? null : peak <= 350,
    },
  ];
  if (scale?.length) {
    const maxConnections = Math.max(...scale.map((s) => s.connections));
    // Uniform access (every identity equally likely): the row with the most distinct tokens.
    const at = (n: number) =>
      scale
        .filter((r) => r.connections === maxConnections && r.identities === n && !r.failed)
        .sort((x, y) => y.distinctTokens - x.distinctTokens)[0];
    const hot = (n: number) =>
      scale.find((r) => r.connections === maxConnections && r.identities === n && !r.failed && r.distinctTokens <= 10);
    const sizes = [...new Set(scale.map((r) => r.identities))].sort((x, y) => x - y);
    const small = at(sizes[0]!);
    const large = at(sizes[sizes.length - 1]!);
    const r = ratio(large?.requestsPerSec, small?.requestsPerSec);
    checks.push({
      target: `lookups flat from ${sizes[0]} to ${sizes[sizes.length - 1]} identities, uniform access (throughput within 20%)`,
      measured: r === null ? "n/a" : `${(r * 100).toFixed(1)}% of the ${sizes[0]}-identity throughput`,
      met: r === null ? null : r >= 0.8,
    });
    const rh = ratio(hot(sizes[sizes.length - 1]!)?.requestsPerSec, small?.requestsPerSec);
    if (rh !== null) {
      checks.push({
        target: `same, 10 hot identities in a ${sizes[sizes.length - 1]}-identity table (index lookups)`,
        measured: `${(rh * 100).toFixed(1)}% of the ${sizes[0]}-identity throughput`,
        met: rh >= 0.8,
      });
    }
  }
  return checks;
}

function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** "app 98 · pg 40 · gen 60 · all 95" (% of one core; all = % of the machine). */
function cpuCell(cpu: CpuReading | null | undefined): string {
  if (!cpu) return "–";
  const parts = [`app ${fmt(cpu.serverPct)}`];
  if (cpu.postgresPct !== undefined) parts.push(`pg ${fmt(cpu.postgresPct)}`);
  if (cpu.standInPct && cpu.standInPct >= 1) parts.push(`oci ${fmt(cpu.standInPct)}`);
  parts.push(`gen ${fmt(cpu.loadGeneratorPct)}`, `all ${fmt(cpu.machineBusyPct)}`);
  return parts.join(" · ");
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function extraText(s: ScenarioResult): string {
  const e = s.extra ?? {};
  const parts: string[] = [];
  const app = e.serverTimingAppMs as { p50: number; p99: number } | undefined;
  const oci = e.serverTimingOciMs as { p50: number; p99: number } | undefined;
  if (app) parts.push(`app p50 ${app.p50} / p99 ${app.p99} ms`);
  if (oci) parts.push(`oci p50 ${oci.p50} / p99 ${oci.p99} ms`);
  const client = e.clientPartsMs as Record<string, Percentiles> | undefined;
  if (client?.login) parts.push(`login request alone p50 ${round1(client.login.p50)} / p99 ${round1(client.login.p99)} ms`);
  if (client?.challenge) parts.push(`challenge p50 ${round1(client.challenge.p50)} ms`);
  const perRequest = e.serverTimingAppPerRequestMs as Record<"challenge" | "login", Percentiles> | undefined;
  if (perRequest) parts.push(`app p50 challenge ${perRequest.challenge.p50} + login ${perRequest.login.p50} ms`);
  const signing = e.signingCalibrationMs as Percentiles | undefined;
  if (signing) parts.push(`signing one login p50 ${round1(signing.p50)} ms (client, before the load)`);
  if (e.callsPerHttpRequest !== undefined) parts.push(`${e.callsPerHttpRequest} calls/HTTP req`);
  if (Array.isArray(e.repeatedRequestsPerSec))
    parts.push(`median of ${(e.repeatedRequestsPerSec as number[]).map((n) => fmt(n)).join(" / ")} req/s`);
  const pool = e.loginPool as
    { size: number; usedBeforeWindow: number; usedInWindow: number; exhausted: boolean; stoppedEarlyAfterSec?: number } | undefined;
  if (pool) {
    parts.push(
      pool.exhausted
        ? `LOGIN POOL USED UP: all ${fmt(pool.size)} pre-signed logins sent${pool.stoppedEarlyAfterSec === undefined ? "" : `, stopped ${pool.stoppedEarlyAfterSec} s into the window`}`
        : `${fmt(pool.usedBeforeWindow + pool.usedInWindow)} of ${fmt(pool.size)} pre-signed logins used`,
    );
  }
  if (e.auditRowsPerInsert !== undefined)
    parts.push(
      `${fmt(e.auditRowsCommitted as number)} audit rows in ${fmt(e.auditInserts as number)} INSERTs (${e.auditRowsPerInsert} per INSERT)`,
    );
  if (e.sameBodyAsApp !== undefined) parts.push(e.sameBodyAsApp ? "same body as the app" : "body differs from the app's");
  if (e.cyclesPerSec !== undefined) parts.push(`${e.cyclesPerSec} cycles/s over ${e.identitiesInPool} identities`);
  return parts.join("; ");
}

interface Row {
  cells: string[];
}

function table(header: string[], rows: Row[], markdown: boolean): string {
  if (markdown) {
    const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d.,%–-]*$|^FAILED$/.test(r.cells[i] ?? "")));
    return [
      `| ${header.join(" | ")} |`,
      `|${numeric.map((n) => (n ? "---:" : "---")).join("|")}|`,
      ...rows.map((r) => `| ${r.cells.join(" | ")} |`),
    ].join("\n");
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => line(r.cells))].join("\n");
}

export function scenarioTable(runs: DbRun[], markdown: boolean): string {
  const header = ["scenario", "db", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "idle RSS MB", "peak RSS MB", "CPU %", "notes"];
  const rows: Row[] = [];
  for (const run of runs) {
    for (const s of [...run.scenarios, ...run.baselines]) {
      if (s.failed) {
        rows.push({ cells: [s.title, run.db, "FAILED", "", "", "", "", "", "", "", s.failed.split("\n")[0]!.slice(0, 120)] });
        continue;
      }
      rows.push({
        cells: [
          s.title,
          run.db,
          fmt(s.requestsPerSec),
          fmt(s.latencyMs?.p50, 1),
          fmt(s.latencyMs?.p99, 1),
          fmt(s.non2xx),
          fmt((s.errors ?? 0) + (s.timeouts ?? 0)),
          fmt(s.rss?.idleMB),
          fmt(s.rss?.peakMB),
          cpuCell(s.cpu),
          extraText(s),
        ],
      });
    }
  }
  return table(header, rows, markdown);
}

const percent = (r: number | null) => (r === null ? "–" : `${(r * 100).toFixed(1)}%`);

export function ratioTable(runs: DbRun[], markdown: boolean): string {
  const header = [
    "db",
    "(a) req/s",
    "raw node:http+pg req/s",
    "Fastify+pg req/s",
    "L0 req/s",
    "L1 req/s",
    "(a) / raw",
    "(a) / Fastify",
    "(a) / L0",
    "(a) / L1",
    "(a) p99 ms",
    "L0 p99 ms",
    "L1 p99 ms",
  ];
  const rows = runs.map((run) => {
    const h = headline(run);
    return {
      cells: [
        run.db,
        fmt(h.appReadRps),
        fmt(h.rawBaselineRps),
        fmt(h.fastifyBaselineRps),
        fmt(h.l0BaselineRps),
        fmt(h.l1BaselineRps),
        percent(h.ratioToRaw),
        percent(h.ratioToFastify),
        percent(h.ratioToL0),
        percent(h.ratioToL1),
        fmt(h.appReadP99Ms, 1),
        fmt(h.l0P99Ms, 1),
        fmt(h.l1P99Ms, 1),
      ],
    };
  });
  return table(header, rows, markdown);
}

export function scaleTable(scale: Partial<Record<DbKind, ScaleRow[]>>, markdown: boolean): string {
  const header = [
    "db",
    "identities",
    "connections",
    "req/s",
    "p50 ms",
    "p99 ms",
    "non-2xx",
    "idle RSS MB",
    "peak RSS MB",
    "CPU %",
    "tokens",
  ];
  const rows: Row[] = [];
  for (const [db, list] of Object.entries(scale)) {
    for (const r of list ?? []) {
      rows.push({
        cells: r.failed
          ? [db, fmt(r.identities), fmt(r.connections), "FAILED", "", "", "", "", "", "", r.failed.slice(0, 100)]
          : [
              db,
              fmt(r.identities),
              fmt(r.connections),
              fmt(r.requestsPerSec),
              fmt(r.latencyMs?.p50, 1),
              fmt(r.latencyMs?.p99, 1),
              fmt(r.non2xx),
              fmt(r.idleRssMB),
              fmt(r.peakRssMB),
              cpuCell(r.cpu),
              `${r.tokens}, ${fmt(r.distinctTokens)} distinct`,
            ],
      });
    }
  }
  return table(header, rows, markdown);
}

export function targetTable(checks: Partial<Record<DbKind, TargetCheck[]>>, markdown: boolean): string {
  const header = ["db", "target", "measured", "met"];
  const rows: Row[] = [];
  for (const [db, list] of Object.entries(checks)) {
    for (const c of list ?? []) rows.push({ cells: [db, c.target, c.measured, c.met === null ? "n/a" : c.met ? "yes" : "NO"] });
  }
  return table(header, rows, markdown);
}

export function dbWorkTable(runs: DbRun[], markdown: boolean): string | null {
  const rows: Row[] = [];
  for (const run of runs) {
    for (const [id, w] of Object.entries(run.dbWorkPerRequest ?? {})) {
      rows.push({
        cells: [
          `(${id})`,
          run.db,
          fmt(w.requests),
          fmt(w.transactions, 2),
          fmt(w.rowsFetched, 2),
          fmt(w.rowsReturned, 2),
          fmt(w.rowsInserted, 2),
          fmt(w.rowsUpdated, 2),
        ],
      });
    }
  }
  if (!rows.length) return null;
  return table(
    ["scenario", "db", "requests", "transactions/req", "rows fetched/req", "rows returned/req", "rows inserted/req", "rows updated/req"],
    rows,
    markdown,
  );
}

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? "–" : fmt(ms / 1000, 2));

/** `pnpm start` to the first 200 per database and data folder, with where the time went. */
export function startupTable(runs: DbRun[], markdown: boolean): string | null {
  const rows: Row[] = [];
  for (const run of runs) {
    if (!run.startup) continue;
    for (const data of ["existing", "fresh"] as const) {
      const s = run.startup[data];
      const m = s.median;
      rows.push({
        cells: s.failed
          ? [run.db, data, "FAILED", "", "", "", s.failed.split("\n")[0]!.slice(0, 100)]
          : [
              run.db,
              data,
              seconds(m?.first200Ms),
              seconds(m?.migratedMs),
              seconds(m?.listeningMs),
              seconds(m?.firstReadMs),
              s.runs.length > 1 ? `median of ${s.runs.map((r) => seconds(r.first200Ms)).join(" / ")} s` : "",
            ],
      });
    }
  }
  if (!rows.length) return null;
  return table(["db", "data", "first 200 s", "migrate done s", "listening s", "first (a) read s", "notes"], rows, markdown);
}

/** The app server's memory over the run: idle right after start, lifetime peak. */
export function appMemoryTable(runs: DbRun[], markdown: boolean): string | null {
  const rows = runs.map((run) => ({ cells: [run.db, fmt(run.appIdleRssMB), fmt(run.appLifetimePeakRssMB)] }));
  if (!rows.length) return null;
  return table(["db", "app idle RSS after start MB", "app lifetime peak RSS MB"], rows, markdown);
}

const pair = (v: { p50: number; p99: number } | null) => (v ? `${fmt(v.p50, 1)} / ${fmt(v.p99, 1)}` : "–");

/** The principal login against the user-key logins of the same window, and (c1)/(c16) alone (server side first). */
export function loginComparisonTable(runs: DbRun[], markdown: boolean): string | null {
  const rows: Row[] = [];
  const times = (r: number | null) => (r === null ? "–" : `${r.toFixed(2)}×`);
  for (const run of runs) {
    for (const l of loginComparisons(run)) {
      rows.push({
        cells: [
          run.db,
          String(l.connections),
          fmt(l.userKeyAppP50Ms, 2),
          fmt(l.principalAppP50Ms, 2),
          `${fmt(l.principalChallengeAppP50Ms, 2)} + ${fmt(l.principalLoginAppP50Ms, 2)}`,
          times(l.appP50Ratio),
          `${fmt(l.userKeyAloneAppP50Ms, 2)} (${times(l.aloneAppP50Ratio)})`,
          `${fmt(l.userKeyAppP99Ms, 1)} / ${fmt(l.principalAppP99Ms, 1)}`,
          `${fmt(l.userKeyLoginsPerSec)} / ${fmt(l.principalLoginsPerSec)}`,
          fmt(l.appCpuMsPerLogin, 1),
          pair(l.userKeyE2eMs),
          pair(l.principalE2eMs),
          pair(l.principalLoginRequestMs),
          fmt(l.principalChallengeP50Ms, 1),
          fmt(l.signingCalibrationP50Ms, 1),
          fmt(l.non2xx),
        ],
      });
    }
  }
  if (!rows.length) return null;
  return table(
    [
      "db",
      "connections",
      "user-key app p50 ms (same window)",
      "principal app p50 ms (challenge + login)",
      "challenge app p50 + login app p50 ms",
      "principal / user-key",
      "user-key app p50 ms run alone (principal / it)",
      "app p99 ms (user-key / principal)",
      "logins/s in the window (user-key / principal)",
      "app CPU ms/login (both)",
      "user-key e2e p50 / p99 ms",
      "principal challenge + login round trips p50 / p99 ms",
      "principal login request p50 / p99 ms",
      "challenge p50 ms",
      "signing one login p50 ms (client, before the load)",
      "non-2xx",
    ],
    rows,
    markdown,
  );
}

/**
 * (g16) beside (c16): the same user-key login at the same connections, signed as Infisical's Go
 * SDK signs it rather than by oci-common (server side: Server-Timing app, OCI's time excluded).
 */
export function goSdkLoginTable(runs: DbRun[], markdown: boolean): string | null {
  const rows: Row[] = [];
  for (const run of runs) {
    const go = find(run.scenarios, "g16");
    if (!go) continue;
    const common = find(run.scenarios, "c16");
    const loginsPerSec = (s: ScenarioResult | undefined) => s?.requestsPerSec ?? null;
    rows.push({
      cells: [
        run.db,
        pair(appTiming(common) ?? null),
        pair(appTiming(go) ?? null),
        (() => {
          const r = ratio(appTiming(go)?.p50, appTiming(common)?.p50);
          return r === null ? "–" : `${r.toFixed(2)}×`;
        })(),
        `${fmt(loginsPerSec(common))} / ${fmt(loginsPerSec(go))}`,
        pair(go.latencyMs ?? null),
        fmt(go.non2xx),
      ],
    });
  }
  if (!rows.length) return null;
  return table(
    [
      "db",
      "(c16) oci-common app p50 / p99 ms",
      "(g16) Go SDK app p50 / p99 ms",
      "Go SDK / oci-common (app p50)",
      "logins/s (c16 / g16)",
      "(g16) e2e p50 / p99 ms",
      "(g16) non-2xx",
    ],
    rows,
    markdown,
  );
}

/**
 * (i16) and (iu16) beside (h16), the hot read measured on the same app at the same connections
 * just before them: req/s, the ratio to the hot read, p50 / p99, non-2xx and inactive answers.
 */
export function introspectionTable(runs: VerificationRun[], markdown: boolean): string | null {
  const rows: Row[] = [];
  for (const run of runs) {
    const hot = find(run.scenarios, "h16");
    for (const id of ["h16", "i16", "iu16"]) {
      const s = run.scenarios.find((x) => x.id === id);
      if (!s) continue;
      if (s.failed) {
        rows.push({ cells: [run.db, id, fmt(run.identities), "FAILED", "", "", "", "", s.failed.split("\n")[0]!.slice(0, 120)] });
        continue;
      }
      const inactive = s.extra?.inactiveAnswers as number | undefined;
      rows.push({
        cells: [
          run.db,
          id,
          id === "iu16" ? fmt(run.identities) : "1",
          fmt(s.requestsPerSec),
          id === "h16" ? "–" : percent(ratio(s.requestsPerSec, hot?.requestsPerSec)),
          pair(s.latencyMs ?? null),
          fmt(s.non2xx),
          cpuCell(s.cpu),
          inactive === undefined ? "" : `${fmt(inactive)} inactive answers`,
        ],
      });
    }
  }
  if (!rows.length) return null;
  return table(
    ["db", "scenario", "distinct tokens", "req/s", "/ hot read (h16)", "p50 / p99 ms", "non-2xx", "CPU %", "notes"],
    rows,
    markdown,
  );
}

/** (v): verifications per second of the client (offline, key set cached) and of jose alone, and their ratio. */
export function offlineVerificationTable(runs: VerificationRun[], markdown: boolean): string | null {
  const rows: Row[] = [];
  for (const run of runs) {
    const offline = run.offline;
    if (!offline) continue;
    if (offline.failed) {
      rows.push({ cells: [run.db, "FAILED", "", "", "", "", offline.failed.split("\n")[0]!.slice(0, 120)] });
      continue;
    }
    for (const r of offline.runs) {
      rows.push({
        cells: [
          run.db,
          r.tokens,
          fmt(r.distinctTokens),
          fmt(r.clientPerSec),
          fmt(r.josePerSec),
          percent(r.ratio),
          `${fmt(offline.secondsEach)} s each, alternating ${fmt(offline.sliceMs)} ms slices`,
        ],
      });
    }
  }
  if (!rows.length) return null;
  return table(["db", "tokens", "distinct", "client verifications/s", "jose.jwtVerify/s", "client / jose", "notes"], rows, markdown);
}
