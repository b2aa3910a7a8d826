import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

/** Another live process holds the embedded database folder. */
export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is already open in another process (pid ${holderPid}). ` +
        `PGlite allows one process per data folder: stop that process first, give this one another folder (PGLITE_DIR), ` +
        `or use PostgreSQL (DATABASE_URL) to run several instances on one database.`,
    );
    this.name = "DataFolderInUseError";
  }
}

/** Lock files held by this process (a second open in the same process is refused as well). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
  return !isZombie(pid);
}

/**
 * A killed process whose parent died too stays a zombie until an init process reaps it, and a
 * container's first process often never does: it still answers kill(pid, 0) but holds nothing.
 * Linux says so in /proc/<pid>/stat (state Z); elsewhere the process counts as alive.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

function readHolder(lockPath: string): number | null {
  try {
    const pid = Number(JSON.parse(readFileSync(lockPath, "utf8")).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null; // vanished, or half-written by a process that died
  }
}

/**
 * Takes the lock of a data folder: `<dataDir>.lock`, created exclusively and holding our pid.
 * A lock whose process is gone (killed, crashed, a container restarted with the same pid) is
 * stale and taken over, so a crash never needs a manual clean-up. Returns the release function.
 */
export function lockDataFolder(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  if (heldHere.has(lockPath)) throw new DataFolderInUseError(dataDir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o644);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 2) throw error;
      const holder = readHolder(lockPath);
      if (holder !== null && holder !== process.pid && isAlive(holder)) throw new DataFolderInUseError(dataDir, holder);
      try {
        unlinkSync(lockPath); // stale: its process is gone
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== "ENOENT") throw unlinkError;
      }
    }
  }
  heldHere.add(lockPath);
  return () => {
    if (!heldHere.delete(lockPath)) return;
    try {
      if (readHolder(lockPath) === process.pid) unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
}
