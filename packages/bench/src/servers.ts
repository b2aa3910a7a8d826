import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@ociauth/db/testing";
import { runLogged, spawnLogged, waitForLog, type ChildHandle } from "./processes.js";

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
}

/** The production server: `node --import tsx src/server/http/main.ts` in apps/web (needs `pnpm build`). */
export async function startApp(options: AppOptions): Promise<RunningServer> {
  const port = await freePort();
  const handle = spawnLogged({
    name: `app server (${options.target.kind})`,
    command: process.execPath,
    args: [
      ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
      "--import",
      "tsx",
      "src/server/http/main.ts",
    ],
    cwd: WEB_DIR,
    env: serverEnv(options.target, {
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      RATE_LIMIT: "off",
      AUTH_SECRET: options.authSecret,
      OCI_IDENTITY_ENDPOINT: options.ociEndpoint,
    }),
    logFile: options.logFile,
  });
  await waitForLog(handle, /listening on/, 180_000);
  return { name: "app", url: `http://127.0.0.1:${port}`, handle, stop: () => handle.stop(10_000) };
}

/**
 * The baselines of scenario (a): raw node:http + pg and Fastify + pg (two SELECTs per read), L0
 * (everything from memory) and L1 (L0 plus one group-committed audit row per read).
 */
export const ALL_BASELINES = ["raw-node", "fastify", "l0", "l1"] as const;
export type BaselineKind = (typeof ALL_BASELINES)[number];

/** A baseline server (src/baselines/<kind>.ts) in its own process on the same database. */
export async function startBaseline(kind: BaselineKind, target: DbTarget, authSecret: string, logFile: string): Promise<RunningServer> {
  const port = await freePort();
  const handle = spawnLogged({
    name: `${kind} baseline (${target.kind})`,
    command: process.execPath,
    args: ["--import", "tsx", `src/baselines/${kind}.ts`],
    cwd: BENCH_DIR,
    env: serverEnv(target, { NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", AUTH_SECRET: authSecret }),
    logFile,
  });
  await waitForLog(handle, /listening on/, 60_000);
  return { name: kind, url: `http://127.0.0.1:${port}`, handle, stop: () => handle.stop(5000) };
}

/** The OCI stand-in in its own process (src/stand-in-process.ts). */
export async function startStandIn(usersFile: string, logFile: string): Promise<RunningServer> {
  const handle = spawnLogged({
    name: "OCI stand-in",
    command: process.execPath,
    args: ["--import", "tsx", "src/stand-in-process.ts", usersFile],
    cwd: BENCH_DIR,
    env: { ...process.env, NODE_ENV: "production" },
    logFile,
  });
  const match = await waitForLog(handle, /STAND_IN_READY (\S+)/, 60_000);
  return { name: "stand-in", url: match[1]!, handle, stop: () => handle.stop(5000) };
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
