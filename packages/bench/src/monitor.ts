// What a measured window costs: idle and peak RSS of the server, and CPU time of the server, the
// load generator (this process), the stand-in, PostgreSQL (postmaster + backends) and the machine.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

const TICKS_PER_SEC = 100; // USER_HZ on Linux

function statusField(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** utime + stime in ticks, and the parent pid. */
function procStat(pid: number): { ticks: number; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The postmaster whose command line names `dataDir`, and its children (backends, workers). */
const postmasters = new Map<string, number>();

export function postgresPids(dataDir: string): number[] {
  const all: { pid: number; ppid: number }[] = [];
  let postmaster = postmasters.get(dataDir);
  if (postmaster !== undefined && !procStat(postmaster)) postmaster = undefined;
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = procStat(pid);
    if (!stat) continue;
    all.push({ pid, ppid: stat.ppid });
    if (postmaster === undefined) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        if (cmd[0]?.endsWith("/postgres") && cmd.includes(dataDir)) postmaster = pid;
      } catch {
        // gone
      }
    }
  }
  if (postmaster === undefined) return [];
  postmasters.set(dataDir, postmaster);
  return [postmaster, ...all.filter((p) => p.ppid === postmaster).map((p) => p.pid)];
}

/** Resets the kernel's peak-RSS counter (VmHWM) of a process we own; false if unsupported. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export interface RssReading {
  /**
   * Idle RSS in MB: VmRSS of the server right before the load (its warm-up included) starts, after
   * a quiet second; the process has started and answered at least one request by then.
   */
  idleMB: number | null;
  /** Peak RSS in MB during the measured window: VmHWM after a reset, else the highest sample. */
  peakMB: number | null;
  /** Highest VmRSS sampled every 200 ms. */
  maxSampledMB: number | null;
  peakReset: boolean;
}

/** CPU use during the window, in % of one core (200% = both cores of a 2-core machine). */
export interface CpuReading {
  serverPct: number | null;
  loadGeneratorPct: number;
  standInPct?: number | null;
  postgresPct?: number | null;
  /** Whole machine, % of all cores busy (includes anything else running). */
  machineBusyPct: number;
  loadAverage1m: number;
}

export interface WindowReading {
  rss: RssReading;
  cpu: CpuReading;
}

const mb = (bytes: number | null) => (bytes === null ? null : Math.round((bytes / 1024 / 1024) * 10) / 10);
const pct = (n: number) => Math.round(n * 10) / 10;

export interface WatchTargets {
  serverPid: number;
  standInPid?: number;
  postgresDataDir?: string;
}

/** How long the server is left alone before its idle RSS is read. */
export const IDLE_SETTLE_MS = 1000;

/** VmRSS (MB) of a server that has had no request for IDLE_SETTLE_MS (the caller sends none meanwhile). */
export async function idleRssMB(pid: number): Promise<number | null> {
  await sleep(IDLE_SETTLE_MS);
  return mb(statusField(pid, "VmRSS"));
}

/** Starts watching a measured window; stop() returns its RSS (with `idleMB`, read before) and CPU figures. */
export function watchWindow(targets: WatchTargets, idleMB: number | null = null): { stop(): WindowReading } {
  const { serverPid } = targets;
  const peakReset = resetPeak(serverPid);
  let maxSample = statusField(serverPid, "VmRSS") ?? 0;
  const timer = setInterval(() => {
    const rss = statusField(serverPid, "VmRSS");
    if (rss !== null && rss > maxSample) maxSample = rss;
  }, 200);
  const t0 = performance.now();
  const server0 = procStat(serverPid)?.ticks ?? null;
  const standIn0 = targets.standInPid ? (procStat(targets.standInPid)?.ticks ?? null) : null;
  // PostgreSQL backends come and go: remember each one's ticks when first and last seen.
  const pgSeen = new Map<number, { first: number; last: number }>();
  const scanPostgres = (initial: boolean) => {
    if (!targets.postgresDataDir) return;
    for (const pid of postgresPids(targets.postgresDataDir)) {
      const ticks = procStat(pid)?.ticks;
      if (ticks === undefined) continue;
      const seen = pgSeen.get(pid);
      if (seen) seen.last = ticks;
      else pgSeen.set(pid, { first: initial ? ticks : 0, last: ticks });
    }
  };
  scanPostgres(true);
  const pgTimer = targets.postgresDataDir ? setInterval(() => scanPostgres(false), 500) : undefined;
  const self0 = process.cpuUsage();
  const machine0 = machineTicks();
  return {
    stop() {
      clearInterval(timer);
      if (pgTimer) clearInterval(pgTimer);
      scanPostgres(false);
      const seconds = (performance.now() - t0) / 1000;
      const rss = statusField(serverPid, "VmRSS");
      if (rss !== null && rss > maxSample) maxSample = rss;
      const hwm = statusField(serverPid, "VmHWM");
      const peak = peakReset && hwm !== null ? Math.max(hwm, maxSample) : maxSample;
      const ticksPct = (before: number | null, after: number | null | undefined) =>
        before === null || after === null || after === undefined ? null : pct(((after - before) / TICKS_PER_SEC / seconds) * 100);
      const self = process.cpuUsage(self0);
      const machine1 = machineTicks();
      const cpu: CpuReading = {
        serverPct: ticksPct(server0, procStat(serverPid)?.ticks),
        loadGeneratorPct: pct(((self.user + self.system) / 1e6 / seconds) * 100),
        machineBusyPct: pct(((machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total)) * 100),
        loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
      };
      if (targets.standInPid) cpu.standInPct = ticksPct(standIn0, procStat(targets.standInPid)?.ticks);
      if (targets.postgresDataDir) {
        let ticks = 0;
        for (const { first, last } of pgSeen.values()) ticks += last - first;
        cpu.postgresPct = pgSeen.size ? pct((ticks / TICKS_PER_SEC / seconds) * 100) : null;
      }
      return { rss: { idleMB, peakMB: mb(peak || null), maxSampledMB: mb(maxSample || null), peakReset }, cpu };
    },
  };
}

/** The lifetime VmHWM (MB) of a process. */
export function lifetimePeakMB(pid: number): number | null {
  return mb(statusField(pid, "VmHWM"));
}
