import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "@ociauth/db/testing";

/** deploy/nginx/nginx.conf: the proxy configuration the deployment ships. */
export const DEPLOY_NGINX_CONF = path.resolve(import.meta.dirname, "../../../../deploy/nginx/nginx.conf");
export const NGINX_BIN = process.env.NGINX_BIN || "nginx";

/**
 * The deployment's nginx.conf made runnable in `dir` by an unprivileged test: upstream servers
 * replaced by `upstreams` (host:port), listening on `port`, logs, pid and temp files in `dir`.
 * Everything else (headers, retries, timeouts) is the shipped file as is.
 */
export function localNginxConf(source: string, dir: string, upstreams: string[], port: number): string {
  let servers = 0;
  const conf = source
    .replace(/^(\s*)server\s+app-\d+:\d+(.*);$/gm, (_line, indent: string, params: string) =>
      servers++ === 0 ? upstreams.map((u) => `${indent}server ${u}${params};`).join("\n") : "",
    )
    .replace(/^(\s*)listen\s+\d+;$/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(\s*)access_log\s+\S+(.*);$/m, `$1access_log ${path.join(dir, "access.log")}$2;`)
    .replace(/^(\s*)error_log\s+\S+(.*);$/m, `$1error_log ${path.join(dir, "error.log")}$2;`)
    .replace(/^worker_processes\s+\S+;$/m, "worker_processes 1;");
  if (servers === 0) throw new Error("nginx.conf: no `server app-N:PORT` line in its upstream block");
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((name) => `  ${name}_temp_path ${path.join(dir, `${name}-temp`)};`)
    .join("\n");
  // Run as root (CI containers), the workers would otherwise switch to `nobody` and lose the temp dir.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}pid ${path.join(dir, "nginx.pid")};\n${conf.replace(/^http\s*\{$/m, `http {\n${temp}`)}`;
}

/** nginx in the foreground with the deployment's config in front of `upstreams` (URLs), until it answers. */
export async function startNginx(upstreams: string[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-nginx-"));
  for (const name of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, `${name}-temp`));
  const port = await freePort();
  const confFile = path.join(dir, "nginx.conf");
  const hosts = upstreams.map((u) => new URL(u).host);
  writeFileSync(confFile, localNginxConf(readFileSync(DEPLOY_NGINX_CONF, "utf8"), dir, hosts, port));
  const child: ChildProcess = spawn(NGINX_BIN, ["-p", dir, "-c", confFile, "-e", path.join(dir, "error.log"), "-g", "daemon off;"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited early:\n${output}\n${readLog(dir)}`);
    if (
      await fetch(`${url}/api/v1/identities`).then(
        () => true,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer:\n${output}\n${readLog(dir)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dir,
    errorLog: () => readLog(dir),
    accessLog: () => readLog(dir, "access.log"),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(dir: string, name = "error.log"): string {
  try {
    return readFileSync(path.join(dir, name), "utf8");
  } catch {
    return "";
  }
}
