import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/** Finds PostgreSQL server binaries: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = path.join(base, v, "bin");
    if (existsSync(path.join(bin, "pg_ctl"))) return bin;
  }
  throw new Error("PostgreSQL server binaries not found. Install them (apt-get install -y postgresql) or set PG_BIN.");
}

/** A free TCP port on 127.0.0.1 (for servers started by tests and benchmarks). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  dataDir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server, keeping its data, as an outage would (every connection is cut at once; a clean shutdown, so no acknowledged commit is lost). */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port and data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

/** Runs a server binary, as the `postgres` user when we are root (initdb refuses root). */
function run(bin: string, args: string[]): void {
  if (isRoot) {
    const cmd = [bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", cmd], { stdio: "pipe" });
  } else {
    execFileSync(bin, args, { stdio: "pipe" });
  }
}

/**
 * Starts a throw-away PostgreSQL server on 127.0.0.1 and a free port, trusting local
 * connections. Used by tests and benchmarks; stop() removes its data folder.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const root = mkdtempSync(path.join(os.tmpdir(), "ociauth-pg-"));
  chmodSync(root, 0o777);
  const dataDir = path.join(root, "data");
  if (isRoot) execFileSync("chown", ["postgres", root]);
  run(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const serverArgs = [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    root,
    "-c",
    "max_connections=200",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
  ];
  const launch = () =>
    isRoot
      ? spawn("su", ["postgres", "-s", "/bin/sh", "-c", `exec ${path.join(bin, "postgres")} ${serverArgs.join(" ")}`], { stdio: "ignore" })
      : spawn(path.join(bin, "postgres"), serverArgs, { stdio: "ignore" });
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const waitUntilReady = async (child: ReturnType<typeof launch>) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`PostgreSQL did not start on port ${port}: ${(error as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  let child = launch();
  await waitUntilReady(child);
  // "fast" for a pause: a clean shutdown writes out the WAL, which synchronous_commit=off may
  // still hold for commits already acknowledged ("immediate" would lose them, e.g. the last
  // migration's row). "immediate" only when the data is thrown away anyway.
  const halt = (mode: "fast" | "immediate") => {
    try {
      run(path.join(bin, "pg_ctl"), ["-D", dataDir, "-m", mode, "-w", "stop"]);
    } catch {
      child.kill("SIGKILL");
    }
  };

  let counter = 0;
  return {
    url,
    port,
    dataDir,
    async createDatabase(name = `test_${process.pid}_${Date.now()}_${counter++}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgresql://postgres@127.0.0.1:${port}/${name}`;
    },
    async pause() {
      halt("fast");
    },
    async resume() {
      child = launch();
      await waitUntilReady(child);
    },
    async stop() {
      halt("immediate");
      rmSync(root, { recursive: true, force: true });
    },
  };
}
