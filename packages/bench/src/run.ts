// `pnpm bench`: builds and starts the production server on PGlite and on a throw-away PostgreSQL
// server, drives scenarios (a)-(e) from this process, runs the baselines of (a) (raw node:http,
// Fastify, L0, L1) on the same database, optionally the scale run, and writes results/latest.json.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPostgresServer, type PostgresServer } from "@ociauth/db/testing";
import { createTestApiKey, createTestOcid, type StandInInstance } from "@ociauth/oci-stand-in";
import pg from "pg";
import { ALL_SCENARIOS, parseArgs, USAGE, VERIFICATION_SCENARIOS, type BenchOptions } from "./args.js";
import { loginPoolKeyCount } from "./login-pool.js";
import { cleanupAll, commandOutput, installExitHandlers, onCleanup, removeDir } from "./processes.js";
import {
  appMemoryTable,
  dbWorkTable,
  startupTable,
  headline,
  loginComparisonTable,
  goSdkLoginTable,
  ratioTable,
  scaleTable,
  scenarioTable,
  targets,
  targetTable,
  type Headline,
  type TargetCheck,
  introspectionTable,
  offlineVerificationTable,
} from "./report.js";
import { runMain, runScale, type DbRun, type Env, type ScaleRow } from "./scenarios.js";
import { type OciUser } from "./seed.js";
import { runVerification, type VerificationRun } from "./verification-scenarios.js";
import { observabilityTable, runObservability, type ObservabilityRun } from "./observability-scenarios.js";
import { ALL_BASELINES, BENCH_DIR, build, REPO_ROOT, startStandIn, type DbKind, type DbTarget } from "./servers.js";

interface Results {
  generatedAt: string;
  command: string;
  options: Omit<BenchOptions, "out">;
  machine: Record<string, unknown>;
  headline: Partial<Record<DbKind, Headline>>;
  targets: Partial<Record<DbKind, TargetCheck[]>>;
  runs: DbRun[];
  scale: Partial<Record<DbKind, ScaleRow[]>>;
  /** i16 / iu16 (beside h16, the hot read at the same connections) and v, per database. */
  verification: Partial<Record<DbKind, VerificationRun>>;
  observability: ObservabilityRun[];
  notes: string[];
  failures: { db: DbKind; phase: string; error: string }[];
  durationSec: number;
}

function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryMB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    gitCommit: commandOutput("git", ["-C", REPO_ROOT, "rev-parse", "--short", "HEAD"]) || null,
    gitDirtyFiles: commandOutput("git", ["-C", REPO_ROOT, "status", "--porcelain"]).split("\n").filter(Boolean).length,
  };
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return ((await client.query("SHOW server_version")).rows[0] as { server_version: string }).server_version;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed === "help") {
    console.log(USAGE);
    return;
  }
  const options = parsed;
  let poolKeyCount: number;
  try {
    poolKeyCount = loginPoolKeyCount(options);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  installExitHandlers();
  const started = Date.now();
  const resultsDir = path.join(BENCH_DIR, "results");
  const logDir = path.join(resultsDir, "logs");
  rmSync(logDir, { recursive: true, force: true });
  if (options.profile) rmSync(path.join(resultsDir, "profiles"), { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), "ociauth-bench-"));
  onCleanup(() => removeDir(tmp));

  const log = (line: string) => console.log(line);
  const machine = machineInfo();
  log(
    `ociauth bench — ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryMB} MB, Node ${machine.node}, load average ${String(machine.loadAverageAtStart)}`,
  );
  log(`logs in ${path.relative(process.cwd(), logDir) || logDir}`);

  if (options.build) {
    log("building (pnpm build)…");
    const t = Date.now();
    await build(path.join(logDir, "build.log"));
    log(`built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }

  // One OCI user the stand-in knows; every identity is configured for its tenancy. Its main key
  // signs the seeding logins; (c)/(c1)/(c16) sign their pre-signed login pools with the other keys
  // (each login needs its own (key, second) pair: login-pool.ts). One compute instance in the same
  // tenancy logs in as an instance principal in (p1)/(p16).
  const key = createTestApiKey();
  if (poolKeyCount > 0) log(`generating ${poolKeyCount} more RSA keys for the bench user (the login pools of (c)/(c1)/(c16)/(g16))…`);
  const poolKeys = Array.from({ length: poolKeyCount }, () => createTestApiKey());
  const user: OciUser = {
    tenancyOcid: createTestOcid("tenancy"),
    userOcid: createTestOcid("user"),
    userName: "bench-user",
    fingerprint: key.fingerprint,
    privateKeyPem: key.privateKeyPem,
    poolKeys: poolKeys.map((k) => ({ fingerprint: k.fingerprint, privateKeyPem: k.privateKeyPem })),
  };
  const instance: StandInInstance = {
    id: createTestOcid("instance", "iad"),
    compartmentId: createTestOcid("compartment"),
    tenancyId: user.tenancyOcid,
    region: "us-ashburn-1",
    displayName: "bench-instance",
  };
  const usersFile = path.join(tmp, "stand-in-users.json");
  const instancesFile = path.join(tmp, "stand-in-instances.json");
  const publicKeys = [key, ...poolKeys].map((k) => k.publicKeyPem);
  writeFileSync(
    usersFile,
    JSON.stringify([{ id: user.userOcid, compartmentId: user.tenancyOcid, name: user.userName, lifecycleState: "ACTIVE", publicKeys }]),
  );
  writeFileSync(instancesFile, JSON.stringify([instance]));
  const standIn = await startStandIn({ users: usersFile, instances: instancesFile }, path.join(logDir, "stand-in.log"));
  const metadataUrl = standIn.instanceMetadataUrls.get(instance.id);
  if (!metadataUrl) throw new Error(`the OCI stand-in did not report the metadata URL of ${instance.id}`);
  log(`OCI stand-in (own process, pid ${standIn.handle.pid}) at ${standIn.url}, instance ${instance.id}`);

  let postgres: PostgresServer | undefined;
  if (options.dbs.includes("postgres")) {
    postgres = await startPostgresServer();
    const server = postgres;
    onCleanup(() => server.stop());
    machine.postgresVersion = await postgresVersion(postgres.url);
    log(`PostgreSQL ${String(machine.postgresVersion)} (throw-away) on 127.0.0.1:${postgres.port}`);
  }

  const env: Env = {
    options,
    authSecret: randomBytes(32).toString("base64url"),
    ociEndpoint: standIn.url,
    user,
    log,
    logFile: (name) => path.join(logDir, name),
    standInPid: standIn.handle.pid,
    instance: { id: instance.id, metadataUrl },
    cpuProfileDir: options.profile ? path.join(resultsDir, "profiles") : undefined,
    postgresDataDir: postgres?.dataDir,
  };
  const target = async (db: DbKind, name: string): Promise<DbTarget> =>
    db === "postgres" ? { kind: "postgres", url: await postgres!.createDatabase(name) } : { kind: "pglite", dir: path.join(tmp, name) };

  const results: Results = {
    generatedAt: new Date().toISOString(),
    command: `pnpm bench ${process.argv.slice(2).join(" ")}`.trim(),
    options: { ...options, out: undefined } as Omit<BenchOptions, "out">,
    machine,
    headline: {},
    targets: {},
    runs: [],
    scale: {},
    verification: {},
    observability: [],
    notes: [
      "Load generator, app server, OCI stand-in and PostgreSQL share the same machine (loopback only).",
      "req/s counts every response (2xx or not) over the measured window; check non-2xx and errors.",
      "peak RSS: VmHWM of the server process during the measured window (reset via /proc/<pid>/clear_refs before it).",
    ],
    failures: [],
    durationSec: 0,
  };

  const verificationWanted = options.main && options.scenarios.some((s) => (VERIFICATION_SCENARIOS as readonly string[]).includes(s));
  const mainWanted = options.main && options.scenarios.some((s) => !(VERIFICATION_SCENARIOS as readonly string[]).includes(s));
  // A failure on one database (e.g. a migration that does not apply) is recorded and the run goes on.
  for (const db of options.dbs) {
    if (mainWanted) {
      try {
        const run = await runMain(db, await target(db, `bench_main`), env, (name) => target(db, name));
        results.runs.push(run);
        results.headline[db] = headline(run);
      } catch (error) {
        const message = (error as Error).message;
        log(`[${db}] FAILED: ${message}`);
        results.failures.push({ db, phase: "scenarios", error: message });
      }
    }
    if (verificationWanted) {
      try {
        results.verification[db] = await runVerification(db, await target(db, `bench_verify`), env);
      } catch (error) {
        const message = (error as Error).message;
        log(`[${db}] token verification FAILED: ${message}`);
        results.failures.push({ db, phase: "verification", error: message });
      }
    }
    if (options.scale) {
      try {
        results.scale[db] = await runScale(db, await target(db, `bench_scale`), env);
      } catch (error) {
        const message = (error as Error).message;
        log(`[${db}] scale run FAILED: ${message}`);
        results.failures.push({ db, phase: "scale", error: message });
      }
    }
    if (options.observability) {
      try {
        results.observability.push(await runObservability(db, await target(db, `bench_observability`), env));
      } catch (error) {
        const message = (error as Error).message;
        log(`[${db}] observability comparison FAILED: ${message}`);
        results.failures.push({ db, phase: "observability", error: message });
      }
    }
    const run = results.runs.find((r) => r.db === db);
    if (run) results.targets[db] = targets(run, results.scale[db]);
  }

  machine.loadAverageAtEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);
  results.durationSec = Math.round((Date.now() - started) / 1000);

  // Print and write.
  const text: string[] = [];
  if (results.runs.length) {
    text.push(
      `Scenarios (${options.connections} connections, ${options.durationSec} s each after ${options.warmupSec} s warm-up)`,
      scenarioTable(results.runs, false),
      "",
    );
    text.push("Headline: our (a) throughput as a share of the baselines", ratioTable(results.runs, false), "");
    const logins = loginComparisonTable(results.runs, false);
    if (logins)
      text.push("Principal login vs user-key login, same connections (server side: Server-Timing app, OCI's time excluded)", logins, "");
    const goSdk = goSdkLoginTable(results.runs, false);
    if (goSdk)
      text.push("Go-SDK-shaped login (g16) beside the oci-common login (c16), 16 connections (server side: Server-Timing app)", goSdk, "");
    const work = dbWorkTable(results.runs, false);
    if (work) text.push("PostgreSQL work per request (pg_stat_database deltas / requests)", work, "");
    const startup = startupTable(results.runs, false);
    if (startup) text.push("Start-up: `pnpm start` (node apps/web/scripts/start.mjs) from spawn to the first 200", startup, "");
    text.push("App server memory (idle: after start, one health request and a quiet second)", appMemoryTable(results.runs, false)!, "");
  }
  const verificationRuns = Object.values(results.verification);
  const introspection = introspectionTable(verificationRuns, false);
  if (introspection)
    text.push("Introspection (POST /api/v1/auth/token/introspect) beside the hot read, same app and connections", introspection, "");
  const offline = offlineVerificationTable(verificationRuns, false);
  if (offline) text.push("Offline verification in the client beside jose.jwtVerify with a local key (one in flight)", offline, "");
  if (Object.keys(results.scale).length)
    text.push(`Scale run: (a) over N identities (${options.scaleDurationSec} s each)`, scaleTable(results.scale, false), "");
  const observability = observabilityTable(results.observability, false);
  if (observability) text.push("Observability: (a) and (c16) with tracing and an audit device, ratio to the plain runs", observability, "");
  if (Object.keys(results.targets).length) text.push("Targets (issue #6)", targetTable(results.targets, false), "");
  for (const f of results.failures) text.push(`FAILED: ${f.db} ${f.phase}: ${f.error.split("\n")[0]}`);
  console.log(`\n${text.join("\n")}`);

  // Only a complete run replaces the committed latest.json; smoke and partial runs go elsewhere.
  const complete =
    !options.quick &&
    options.main &&
    options.startup &&
    options.baselines.length === ALL_BASELINES.length &&
    options.dbs.length === 2 &&
    options.scenarios.length === ALL_SCENARIOS.length;
  const out = options.out ? path.resolve(process.cwd(), options.out) : path.join(resultsDir, complete ? "latest.json" : "partial.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const md = [
    `# Benchmark results (${results.generatedAt})`,
    "",
    `\`${results.command}\` — ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryMB} MB, Node ${machine.node}, PostgreSQL ${String(machine.postgresVersion ?? "–")}, load average at start ${String(machine.loadAverageAtStart)}, total ${results.durationSec} s`,
    "",
  ];
  if (results.runs.length)
    md.push("## Scenarios", "", scenarioTable(results.runs, true), "", "## Ratio to the baselines", "", ratioTable(results.runs, true), "");
  const loginsMd = loginComparisonTable(results.runs, true);
  if (loginsMd) md.push("## Principal login vs user-key login", "", loginsMd, "");
  const goSdkMd = goSdkLoginTable(results.runs, true);
  if (goSdkMd) md.push("## Go-SDK-shaped login beside the oci-common login", "", goSdkMd, "");
  const workMd = dbWorkTable(results.runs, true);
  if (workMd) md.push("## PostgreSQL work per request", "", workMd, "");
  const startupMd = startupTable(results.runs, true);
  if (startupMd) md.push("## Start-up (`pnpm start` to the first 200)", "", startupMd, "");
  if (results.runs.length) md.push("## App server memory", "", appMemoryTable(results.runs, true)!, "");
  const introspectionMd = introspectionTable(verificationRuns, true);
  if (introspectionMd) md.push("## Introspection beside the hot read", "", introspectionMd, "");
  const offlineMd = offlineVerificationTable(verificationRuns, true);
  if (offlineMd) md.push("## Offline verification in the client", "", offlineMd, "");
  if (Object.keys(results.scale).length) md.push("## Scale", "", scaleTable(results.scale, true), "");
  const observabilityMd = observabilityTable(results.observability, true);
  if (observabilityMd) md.push("## Observability: tracing and an audit device", "", observabilityMd, "");
  if (Object.keys(results.targets).length) md.push("## Targets", "", targetTable(results.targets, true), "");
  if (results.failures.length)
    md.push("## Failures", "", ...results.failures.map((f) => `- ${f.db} ${f.phase}: ${f.error.split("\n")[0]}`), "");
  writeFileSync(out.replace(/\.json$/, "") + ".md", `${md.join("\n")}\n`);
  if (results.failures.length) process.exitCode = 1;
  log(
    `wrote ${path.relative(process.cwd(), out)} (and .md) in ${results.durationSec} s; server logs in ${path.relative(process.cwd(), logDir)} (${readdirSync(logDir).length} files)`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
