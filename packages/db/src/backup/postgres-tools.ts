import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";

/** pg_dump / pg_restore is not installed (or not on PATH). */
export class MissingPostgresToolError extends Error {
  constructor(readonly tool: string) {
    super(
      `${tool} was not found on PATH. Install PostgreSQL's client tools, of the server's major version or newer ` +
        `(Debian/Ubuntu: apt-get install postgresql-client; Alpine: apk add postgresql-client), or put them on PATH.`,
    );
    this.name = "MissingPostgresToolError";
  }
}

/** Query parameters of a postgres:// URL that libpq's tools take as environment variables; others (Prisma's, pg's) are dropped. */
const QUERY_ENV: Record<string, string> = {
  sslmode: "PGSSLMODE",
  sslrootcert: "PGSSLROOTCERT",
  sslcert: "PGSSLCERT",
  sslkey: "PGSSLKEY",
  connect_timeout: "PGCONNECT_TIMEOUT",
  application_name: "PGAPPNAME",
  options: "PGOPTIONS",
  target_session_attrs: "PGTARGETSESSIONATTRS",
  host: "PGHOST",
};

/**
 * The connection as libpq environment variables, so nothing secret is on a command line (which
 * `ps` shows to every user): the password goes in PGPASSWORD. The URL's database is PGDATABASE.
 */
export function libpqEnvironment(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  if (u.hostname) env.PGHOST = decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, "$1");
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (database) env.PGDATABASE = database;
  for (const [key, value] of u.searchParams) if (QUERY_ENV[key]) env[QUERY_ENV[key]] = value;
  return env;
}

export interface ToolRun {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Resolves when the tool exits 0; rejects with its error output otherwise. */
  done: Promise<void>;
}

/**
 * Starts `tool` with the connection in its environment (inherited PG* variables removed, so only
 * the configured database is used) and never a password prompt.
 */
export function runPostgresTool(tool: string, args: string[], url: string): ToolRun {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("PG")) delete env[key];
  Object.assign(env, libpqEnvironment(url));
  const child = spawn(tool, ["--no-password", ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "ENOENT" ? new MissingPostgresToolError(tool) : error));
    child.once("close", (code, signal) => {
      if (code === 0) return resolve();
      const output = stderr.trim() || `no error output (exit ${code ?? signal})`;
      const hint = /server version mismatch|unsupported version/i.test(output)
        ? ` Install ${tool} of the server's major version or newer.`
        : "";
      reject(new Error(`${tool} failed: ${output}${hint}`));
    });
  });
  // An early exit closes the pipe: the error is the tool's, reported by `done`.
  child.stdin.on("error", () => undefined);
  return { child, done };
}
