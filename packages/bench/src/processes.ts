import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A child process started by the bench: its own process group, output in a log file. */
export interface ChildHandle {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  exited: boolean;
  exitCode: number | null;
  /** SIGTERM to the process group, SIGKILL after a grace period; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildHandle>();
const cleanups: (() => Promise<void> | void)[] = [];

/** Registers extra clean-up (e.g. stopping PostgreSQL, removing temp folders), run in reverse order. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
}

/** Spawns a detached child (own process group) writing stdout and stderr to a log file. */
export function spawnLogged(options: SpawnOptions): ChildHandle {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, "w");
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", fd, fd],
    detached: true,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  const exitPromise = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const handle: ChildHandle = {
    name: options.name,
    pid: child.pid,
    logFile: options.logFile,
    child,
    exited: false,
    exitCode: null,
    async stop(graceMs = 5000) {
      if (!handle.exited) {
        killGroup(handle.pid, "SIGTERM");
        const timedOut = await Promise.race([exitPromise.then(() => false), sleep(graceMs).then(() => true)]);
        if (timedOut) {
          killGroup(handle.pid, "SIGKILL");
          await Promise.race([exitPromise, sleep(2000)]);
        }
      }
      // Whatever the child left behind in its group.
      killGroup(handle.pid, "SIGKILL");
      running.delete(handle);
    },
  };
  child.once("exit", (code) => {
    handle.exited = true;
    handle.exitCode = code;
  });
  running.add(handle);
  return handle;
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Polls a child's log file until `pattern` matches; fails if the child exits or time runs out. */
export async function waitForLog(handle: ChildHandle, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text = "";
    try {
      text = readFileSync(handle.logFile, "utf8");
    } catch {
      // not yet created
    }
    const match = pattern.exec(text);
    if (match) return match;
    if (handle.exited) {
      throw new Error(
        `${handle.name} exited (code ${handle.exitCode}) before it was ready. Log ${handle.logFile}:\n${tail(handle.logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`${handle.name} was not ready after ${timeoutMs / 1000} s. Log ${handle.logFile}:\n${tail(handle.logFile)}`);
    }
    await sleep(100);
  }
}

/** Runs a command to completion, output to a log file; throws with the log's tail on failure. */
export async function runLogged(options: SpawnOptions & { timeoutMs: number }): Promise<void> {
  const handle = spawnLogged(options);
  const deadline = Date.now() + options.timeoutMs;
  while (!handle.exited) {
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${options.name} took longer than ${options.timeoutMs / 1000} s. Log ${options.logFile}:\n${tail(options.logFile)}`);
    }
    await sleep(100);
  }
  running.delete(handle);
  if (handle.exitCode !== 0) {
    throw new Error(`${options.name} failed (exit ${handle.exitCode}). Log ${options.logFile}:\n${tail(options.logFile)}`);
  }
}

let cleanedUp: Promise<void> | undefined;

/** Stops every child still running and runs the registered clean-ups (once). */
export function cleanupAll(): Promise<void> {
  cleanedUp ??= (async () => {
    await Promise.all([...running].map((handle) => handle.stop(3000).catch(() => undefined)));
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`clean-up failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleanedUp;
}

/**
 * Last resort when the process exits without finishing cleanupAll: SIGKILL every child group and
 * call the clean-ups not yet run (stopping PostgreSQL and removing folders are synchronous).
 */
function killAllSync(): void {
  for (const handle of running) killGroup(handle.pid, "SIGKILL");
  running.clear();
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      void Promise.resolve(fn()).catch(() => undefined);
    } catch {
      // best effort
    }
  }
}

let installed = false;

/** Children are stopped on normal exit, Ctrl-C, SIGTERM and crashes. */
export function installExitHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllSync);
  // Ctrl-C reaches every process of the group, and pnpm/tsx relay it again (as SIGINT or
  // SIGTERM): the first signal starts the clean-up and the echoes must not kill us before it is
  // done. A signal more than 3 s later (a second Ctrl-C) forces the exit.
  let firstSignalAt = 0;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (firstSignalAt === 0) {
        firstSignalAt = Date.now();
        console.error(`\n${signal}: stopping child processes…`);
        void cleanupAll().finally(() => process.exit(130));
      } else if (Date.now() - firstSignalAt > 3000) {
        killAllSync();
        process.exit(130);
      }
    });
  }
  process.on("uncaughtException", (error) => {
    console.error(error);
    void cleanupAll().finally(() => process.exit(1));
  });
  process.on("unhandledRejection", (error) => {
    console.error(error);
    void cleanupAll().finally(() => process.exit(1));
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Synchronous helper for short commands (machine info). */
export function commandOutput(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
}
