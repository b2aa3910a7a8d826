import { readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { freePort } from "@ociauth/db/testing";
import { runLogged, spawnLogged, tail, waitForLog, type ChildHandle } from "./processes.js";

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = path.resolve(BENCH_DIR, "../..");
export const WEB_DIR = path.join(REPO_ROOT, "apps/web");

/** The app's health endpoint (tRPC `health.ping`, no authentication). */
export const HEALTH_PATH = "/api/trpc/health.ping";

export type DbKind = "pglite" | "postgres";
export type DbTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dir: string };

export interface RunningServer {
  name: string;
  url: string;
  handle: ChildHandle;
  stop(): Promise<void>;
}

/** The environment of every server child: the database, the secret, nothing inherited that selects another DB. */
function serverEnv(target: DbTarget, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  delete env.PGLITE_DIR;
  if (target.kind === "postgres") env.DATABASE_URL = target.url;
  else env.PGLITE_DIR = target.dir;
  return env;
}

/** `node apps/web/scripts/migrate.mjs` against the target (Prisma migrate deploy). */
export async function migrate(target: DbTarget, logFile: string): Promise<void> {
  await runLogged({
    name: `migrate (${target.kind})`,
    command: process.execPath,
    args: [path.join(WEB_DIR, "scripts/migrate.mjs")],
    cwd: REPO_ROOT,
    env: serverEnv(target, {}),
    logFile,
    timeoutMs: 180_000,
  });
}

export interface AppOptions {
  target: DbTarget;
  authSecret: string;
  ociEndpoint: string;
  logFile: string;
  /** Folder for `node --cpu-prof` output; no profiling when unset. */
  cpuProfileDir?: string;
  /** More environment for this start (the observability comparison turns tracing or an audit device on). */
  extraEnv?: Record<string, string>;
}

/** The app's environment in every bench run (production, no rate limits, the bench's secret, the stand-in for both OCI endpoints). */
function appEnv(options: Omit<AppOptions, "logFile" | "cpuProfileDir">, port: number): NodeJS.ProcessEnv {
  const env = serverEnv(options.target, {
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    // Principal logins (p1)/(p16) are signed for the URL the bench reaches the app at.
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    RATE_LIMIT: "off",
    AUTH_SECRET: options.authSecret,
    OCI_IDENTITY_ENDPOINT: options.ociEndpoint,
    // The principal login's authenticateClient goes to the stand-in too.
    OCI_AUTH_ENDPOINT: options.ociEndpoint,
  });
  // Tracing and audit devices only where a run asks for them (not inherited from the shell).
  for (const name of Object.keys(env)) if (name.startsWith("OTEL_") || name.startsWith("AUDIT_")) delete env[name];
  return { ...env, ...options.extraEnv };
}

/** The production server: `node server.mjs` in apps/web, over the compiled @ociauth/api (needs `pnpm build`). */
export async function startApp(options: AppOptions): Promise<RunningServer> {
  const port = await freePort();
  const handle = spawnLogged({
    name: `app server (${options.target.kind})`,
    command: process.execPath,
    args: [...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []), "server.mjs"],
    cwd: WEB_DIR,
    env: appEnv(options, port),
    logFile: options.logFile,
  });
  await waitForLog(handle, /listening on/, 180_000);
  return { name: "app", url: `http://127.0.0.1:${port}`, handle, stop: () => handle.stop(10_000) };
}

export interface StartupTiming {
  /** Milliseconds from spawning `node scripts/start.mjs` to the first 200 of the health endpoint. */
  first200Ms: number;
  /** When `prisma migrate deploy` had finished (its last line in the log), ms after spawn. */
  migratedMs: number | null;
  /** When the server logged "listening on", ms after spawn. */
  listeningMs: number | null;
  /** The first 200 of the read `probe` asked for right after the health 200 (existing data), ms after spawn. */
  firstReadMs?: number;
}

const MIGRATED = /All migrations have been successfully applied|No pending migrations to apply/;

/**
 * What `pnpm start` does, timed: spawns `node scripts/start.mjs` in apps/web (migrate deploy, then
 * the production server), polls the health endpoint every 20 ms until it answers 200, optionally
 * asks `probe` (e.g. (a)'s read) once, then stops the process group.
 */
export async function timeStartup(
  options: Omit<AppOptions, "cpuProfileDir">,
  probe?: { path: string; token: string },
  timeoutMs = 180_000,
): Promise<StartupTiming> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const handle = spawnLogged({
    name: `pnpm start (${options.target.kind})`,
    command: process.execPath,
    args: ["scripts/start.mjs"],
    cwd: WEB_DIR,
    env: appEnv(options, port),
    logFile: options.logFile,
  });
  const since = () => Math.round(performance.now() - t0);
  let migratedMs: number | null = null;
  let listeningMs: number | null = null;
  const readLog = () => {
    if (migratedMs !== null && listeningMs !== null) return;
    let text = "";
    try {
      text = readFileSync(options.logFile, "utf8");
    } catch {
      return;
    }
    if (migratedMs === null && MIGRATED.test(text)) migratedMs = since();
    if (listeningMs === null && /listening on/.test(text)) listeningMs = since();
  };
  try {
    for (;;) {
      readLog();
      const ok = await fetch(`${url}${HEALTH_PATH}`, { signal: AbortSignal.timeout(2000) }).then(
        async (res) => (await res.arrayBuffer(), res.status === 200),
        () => false,
      );
      if (ok) break;
      if (handle.exited)
        throw new Error(`${handle.name} exited (code ${handle.exitCode}) before answering. Log:\n${tail(options.logFile)}`);
      if (performance.now() - t0 > timeoutMs)
        throw new Error(`${handle.name}: no 200 after ${timeoutMs / 1000} s. Log:\n${tail(options.logFile)}`);
      await sleep(20);
    }
    const first200Ms = since();
    readLog();
    const timing: StartupTiming = { first200Ms, migratedMs, listeningMs };
    if (probe) {
      const res = await fetch(`${url}${probe.path}`, { headers: { authorization: `Bearer ${probe.token}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${handle.name}: GET ${probe.path} answered ${res.status} ${body.slice(0, 200)}`);
      timing.firstReadMs = since();
    }
    return timing;
  } finally {
    await handle.stop(10_000);
  }
}

/**
 * The baselines of scenario (a): raw node:http + pg and Fastify + pg (two SELECTs per read), L0
 * (everything from memory) and L1 (L0 plus one group-committed audit row per read).
 */
export const ALL_BASELINES = ["raw-node", "fastify", "l0", "l1"] as const;
export type BaselineKind = (typeof ALL_BASELINES)[number];

/** A baseline server (src/baselines/<kind>.ts) in its own process on the same database. */
export async function startBaseline(kind: BaselineKind, target: DbTarget, logFile: string): Promise<RunningServer> {
  const port = await freePort();
  const handle = spawnLogged({
    name: `${kind} baseline (${target.kind})`,
    command: process.execPath,
    args: ["--import", "tsx", `src/baselines/${kind}.ts`],
    cwd: BENCH_DIR,
    // No AUTH_SECRET: a baseline verifies with the public keys it reads from signing_keys.
    env: serverEnv(target, { NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1" }),
    logFile,
  });
  await waitForLog(handle, /listening on/, 60_000);
  return { name: kind, url: `http://127.0.0.1:${port}`, handle, stop: () => handle.stop(5000) };
}

export interface RunningStandIn extends RunningServer {
  /** Each declared instance's metadata URL (its IMDS base, for oci-common's instance principal provider), by OCID. */
  instanceMetadataUrls: Map<string, string>;
}

/** The OCI stand-in in its own process (src/stand-in-process.ts), with the users and instances of these files. */
export async function startStandIn(files: { users: string; instances?: string }, logFile: string): Promise<RunningStandIn> {
  const handle = spawnLogged({
    name: "OCI stand-in",
    command: process.execPath,
    args: ["--import", "tsx", "src/stand-in-process.ts", files.users, ...(files.instances ? ["--instances", files.instances] : [])],
    cwd: BENCH_DIR,
    env: { ...process.env, NODE_ENV: "production" },
    logFile,
  });
  const match = await waitForLog(handle, /STAND_IN_READY (\S+)/, 60_000);
  const instanceMetadataUrls = new Map(
    [...readFileSync(logFile, "utf8").matchAll(/^STAND_IN_INSTANCE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const),
  );
  return { name: "stand-in", url: match[1]!, handle, stop: () => handle.stop(5000), instanceMetadataUrls };
}

/** `pnpm build` at the repository root (turbo). */
export async function build(logFile: string): Promise<void> {
  await runLogged({
    name: "pnpm build",
    command: "pnpm",
    args: ["build"],
    cwd: REPO_ROOT,
    env: process.env,
    logFile,
    timeoutMs: 600_000,
  });
}
