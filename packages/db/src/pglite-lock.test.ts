import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataFolderInUseError } from "./folder-lock";
import { openPGlite } from "./pglite";

const root = mkdtempSync(path.join(os.tmpdir(), "ociauth-lock-"));
chmodSync(root, 0o755);
const child = path.join(root, "open-folder.mjs");
// A separate process that opens a folder (and, with HOLD, keeps it open): what a second server is.
writeFileSync(
  child,
  `const { openPGlite } = await import(${JSON.stringify(path.resolve(import.meta.dirname, "pglite.ts"))});
try {
  const db = await openPGlite(process.env.DIR);
  await db.exec("CREATE TABLE IF NOT EXISTS t (x int); INSERT INTO t VALUES (1);");
  console.log("OPENED");
  if (process.env.HOLD) await new Promise(() => setInterval(() => {}, 1000));
  await db.close();
} catch (error) {
  console.log("ERROR " + error.name + ": " + error.message);
}
`,
);

function runChild(
  dir: string,
  options: { hold?: boolean; uid?: number } = {},
): { proc: ChildProcess; output: Promise<string>; opened: Promise<void> } {
  const proc = spawn(process.execPath, ["--import", "tsx", child], {
    env: { ...process.env, DIR: dir, ...(options.hold ? { HOLD: "1" } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  let text = "";
  let onOpened: () => void;
  const opened = new Promise<void>((resolve) => (onOpened = resolve));
  proc.stdout!.on("data", (d) => {
    text += d;
    if (text.includes("OPENED")) onOpened();
  });
  proc.stderr!.on("data", (d) => (text += d));
  const output = new Promise<string>((resolve) => proc.on("exit", () => resolve(text)));
  return { proc, output, opened };
}

describe("one process per PGlite folder", () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("refuses a second process while the first holds the folder, and takes over once it died (kill -9)", async () => {
    const dir = path.join(root, "shared");
    const first = runChild(dir, { hold: true });
    await first.opened;
    const holder = JSON.parse(readFileSync(`${dir}.lock`, "utf8")).pid;
    expect(holder).toBe(first.proc.pid);

    const second = await runChild(dir).output;
    expect(second).toContain(
      `ERROR DataFolderInUseError: The embedded database in ${dir} is already open in another process (pid ${first.proc.pid})`,
    );
    await expect(openPGlite(dir)).rejects.toBeInstanceOf(DataFolderInUseError);

    first.proc.kill("SIGKILL");
    await first.output;
    const reopened = await openPGlite(dir); // the lock of a dead process is stale
    expect((await reopened.query("SELECT count(*)::int AS n FROM t")).rows).toEqual([{ n: 1 }]);
    await reopened.close();
    expect(existsSync(`${dir}.lock`)).toBe(false); // released on close
  }, 60_000);

  it("takes over the lock of a holder that was killed and never reaped (a zombie, as under a container's init)", async () => {
    const dir = path.join(root, "zombie");
    // `exec sleep` replaces the shell, so the holder's parent never waits for it: killed, it stays a zombie.
    const parent = spawn("sh", ["-c", `"${process.execPath}" --import tsx "${child}" & exec sleep 120`], {
      env: { ...process.env, DIR: dir, HOLD: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      await new Promise<void>((resolve) => parent.stdout!.on("data", (d) => String(d).includes("OPENED") && resolve()));
      const holder = JSON.parse(readFileSync(`${dir}.lock`, "utf8")).pid;
      process.kill(holder, "SIGKILL");
      await expect.poll(() => readFileSync(`/proc/${holder}/stat`, "utf8").split(") ")[1]?.[0], { timeout: 5000 }).toBe("Z");
      const reopened = await openPGlite(dir);
      expect((await reopened.query("SELECT count(*)::int AS n FROM t")).rows).toEqual([{ n: 1 }]);
      await reopened.close();
    } finally {
      parent.kill("SIGKILL");
    }
  }, 60_000);

  it("refuses a second open within one process until the first is closed", async () => {
    const dir = path.join(root, "same-process");
    const db = await openPGlite(dir);
    const error = await openPGlite(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFolderInUseError);
    expect((error as Error).message).toContain(`already open in another process (pid ${process.pid})`);
    await db.close();
    const again = await openPGlite(dir);
    await again.close();
  }, 60_000);

  it("says a read-only folder is read-only (not damaged) and leaves it untouched", async () => {
    const dir = path.join(root, "read-only");
    const db = await openPGlite(dir);
    await db.exec("CREATE TABLE keep (x int); INSERT INTO keep VALUES (7);");
    await db.close();
    const isRoot = process.getuid?.() === 0;
    // root writes anywhere: make the folder root's and open it as another user; otherwise drop write bits.
    if (isRoot) chownSync(dir, 0, 0);
    chmodSync(dir, 0o555);
    try {
      const output = await runChild(dir, isRoot ? { uid: 65534 } : {}).output;
      expect(output).toContain(`ERROR ReadOnlyDataFolderError: The embedded database folder ${dir} is read-only for this process`);
      expect(output).toContain("The data in it was not touched");
      expect(output).not.toContain("damaged");
    } finally {
      chmodSync(dir, 0o755);
    }
    const again = await openPGlite(dir);
    expect((await again.query("SELECT x FROM keep")).rows).toEqual([{ x: 7 }]);
    await again.close();

    const parent = path.join(root, "ro-parent");
    const fresh = await openPGlite(path.join(parent, "data"));
    await fresh.close();
    rmSync(path.join(parent, "data"), { recursive: true, force: true });
    if (isRoot) chownSync(parent, 0, 0);
    chmodSync(parent, 0o555);
    try {
      const output = await runChild(path.join(parent, "data"), isRoot ? { uid: 65534 } : {}).output;
      expect(output).toContain(`its parent folder ${parent} is read-only for this process`);
    } finally {
      chmodSync(parent, 0o755);
    }
  }, 60_000);
});
