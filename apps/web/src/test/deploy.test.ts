import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { envOf, parseCopy, parseDockerfile, repoRoot } from "./dockerfile";
import { DEPLOY_NGINX_CONF, localNginxConf, NGINX_BIN } from "./nginx";
import { inCidr, PROBE_PATHS, variablesTheServerReads } from "./server-settings";

/**
 * deploy/: no container engine runs here, so the Dockerfile, compose file and nginx.conf are
 * checked against the repository itself: files they copy, the command, the probe paths, the
 * settings and ports the server really has. The Kubernetes manifests: kubernetes.test.ts.
 */
const root = repoRoot;
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

// ---- Dockerfile -------------------------------------------------------------------------------

const dockerfile = parseDockerfile(read("deploy/Dockerfile"));
const runtime = dockerfile.filter((i) => i.stage === "runtime");
const last = (op: string) => runtime.filter((i) => i.op === op).at(-1)?.args;
const env = envOf;

// ---- YAML ---------------------------------------------------------------------------------------

const compose = parseYaml(read("deploy/docker-compose.yml"), { merge: true }); // `<<:` as Compose reads it

describe("deploy/Dockerfile", () => {
  it("builds in a stage of its own; the runtime stage only adds the traced tree and the volume's folder", () => {
    const stages = dockerfile.filter((i) => i.op === "FROM").map((i) => i.stage);
    expect(stages).toEqual(["build", "runtime"]);
    const runs = runtime.filter((i) => i.op === "RUN").map((i) => i.args);
    expect(runs).toEqual(["mkdir -p /data && chown 1000:1000 /data && chmod 0700 /data"]);
    const copies = runtime.filter((i) => i.op === "COPY").map((i) => parseCopy(i.args));
    expect(copies).toEqual([{ from: "build", chown: undefined, sources: ["/out"], destination: "/app" }]);
    // /out is what the build stage's last step assembles.
    expect(dockerfile.filter((i) => i.stage === "build" && i.op === "RUN").at(-1)!.args).toMatch(
      /node apps\/web\/scripts\/assemble-standalone\.mjs \/out$/,
    );
    expect(existsSync(path.join(root, "apps/web/scripts/assemble-standalone.mjs"))).toBe(true);
  });

  it("builds from the whole context, which .dockerignore keeps to sources", () => {
    const copies = dockerfile.filter((i) => i.op === "COPY" && i.stage === "build").map((i) => parseCopy(i.args));
    expect(copies).toEqual([{ from: undefined, chown: undefined, sources: ["."], destination: "." }]);
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim());
    for (const pattern of ["**/node_modules", "**/.next", "**/dist", "**/.data", ".git"]) expect(ignored).toContain(pattern);
  });

  it("pins its base by digest, in one argument both stages use", () => {
    const arg = dockerfile.find((i) => i.op === "ARG" && i.args.startsWith("NODE_IMAGE="))!;
    expect(arg.args).toMatch(/^NODE_IMAGE=node:20-[a-z-]+@sha256:[0-9a-f]{64}$/);
    expect(dockerfile.filter((i) => i.op === "FROM").map((i) => i.args.split(/\s+/)[0])).toEqual(["${NODE_IMAGE}", "${NODE_IMAGE}"]);
  });

  it("labels the version, revision and source, and gives the server the same version", () => {
    const labels = runtime
      .filter((i) => i.op === "LABEL")
      .map((i) => i.args)
      .join(" ");
    for (const [label, arg] of [
      ["version", "VERSION"],
      ["revision", "REVISION"],
      ["source", "SOURCE"],
    ]) {
      expect(labels).toContain(`org.opencontainers.image.${label}="\${${arg}}"`);
      expect(
        runtime.some((i) => i.op === "ARG" && i.args.startsWith(`${arg}=`)),
        arg,
      ).toBe(true);
    }
    expect(env(runtime).OCIAUTH_VERSION).toBe("${VERSION}");
    expect(env(runtime).OCIAUTH_REVISION).toBe("${REVISION}");
  });

  it("runs the server as PID 1 from /app, as a numeric non-root user, with the embedded database on a volume", () => {
    expect(last("WORKDIR")).toBe("/app");
    expect(JSON.parse(last("CMD")!)).toEqual(["node", "apps/web/server.mjs"]);
    expect(existsSync(path.join(root, "apps/web/server.mjs"))).toBe(true);
    const user = last("USER")!;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(":")[0])).toBeGreaterThan(0);
    expect(last("VOLUME")).toBe("/data");
    expect(env(runtime).PGLITE_DIR).toBe("/data/pglite");
  });

  it("exposes the port it listens on and checks /readyz", () => {
    const port = env(runtime).PORT;
    expect(port).toBe("3000");
    expect(last("EXPOSE")).toBe(port);
    const healthcheck = last("HEALTHCHECK")!;
    expect(healthcheck).toContain(PROBE_PATHS.readiness);
    expect(healthcheck).toMatch(/process\.env\.PORT\|\|3000/);
  });

  it("sets only variables the server reads", () => {
    const known = variablesTheServerReads();
    for (const name of Object.keys(env(runtime)).filter((n) => n !== "NODE_ENV" && n !== "HOME")) expect(known, name).toContain(name);
  });
});

describe("deploy/docker-compose.yml", () => {
  const services = compose.services as Record<string, any>;
  const apps = Object.keys(services).filter((name) => /^app-\d+$/.test(name));

  it("runs PostgreSQL 15, a migration step, two instances and nginx", () => {
    expect(services.postgres.image).toBe("postgres:15");
    expect(apps).toEqual(["app-1", "app-2"]);
    expect(services.migrate.depends_on.postgres.condition).toBe("service_healthy");
    for (const app of apps) expect(services[app].depends_on.migrate.condition).toBe("service_completed_successfully");
    // Compose waits longer than the server's drain (SHUTDOWN_GRACE_SECONDS, default 25) before SIGKILL.
    for (const app of apps) expect(Number(/^(\d+)s$/.exec(services[app].stop_grace_period)?.[1])).toBeGreaterThan(25);
    expect(services.nginx.volumes).toContain("./nginx/nginx.conf:/etc/nginx/nginx.conf:ro");
    expect(services.migrate.build).toEqual({ context: "..", dockerfile: "deploy/Dockerfile" });
  });

  it("gives each instance the database, the secret from the environment and nginx's network as trusted proxy", () => {
    const known = variablesTheServerReads();
    const nginxIp: string = services.nginx.networks.proxy.ipv4_address;
    const subnet: string = compose.networks.proxy.ipam.config[0].subnet;
    expect(inCidr(nginxIp, subnet)).toBe(true);
    for (const app of apps) {
      const environment = services[app].environment as Record<string, string>;
      for (const name of Object.keys(environment)) expect(known, name).toContain(name);
      expect(environment.DATABASE_URL).toMatch(/^postgresql:\/\/ociauth:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/ociauth$/);
      expect(environment.AUTH_SECRET).toMatch(/^\$\{AUTH_SECRET:\?/);
      const proxies = environment.TRUSTED_PROXIES!.split(",").map((s) => s.trim());
      expect(proxies.some((cidr) => inCidr(nginxIp, cidr))).toBe(true);
      expect(environment.PORT).toBe(env(runtime).PORT);
    }
  });

  it("migrates with the image's migration step, as the Kubernetes pods' initContainer does", () => {
    expect(services.migrate.command).toEqual(["node", "apps/web/scripts/migrate.mjs"]);
    expect(services.migrate.working_dir).toBeUndefined(); // the image's WORKDIR, /app
    expect(existsSync(path.join(root, "apps/web/scripts/migrate.mjs"))).toBe(true);
  });
});

describe("deploy/nginx/nginx.conf", () => {
  const conf = readFileSync(DEPLOY_NGINX_CONF, "utf8");

  it("balances over every compose instance on the port they listen on, forwards the client and retries", () => {
    const upstreams = [...conf.matchAll(/^\s*server\s+(app-\d+):(\d+)/gm)].map((m) => ({ host: m[1], port: m[2] }));
    expect(upstreams.map((u) => u.host)).toEqual(Object.keys(compose.services).filter((n) => /^app-\d+$/.test(n)));
    for (const u of upstreams) expect(u.port).toBe(env(runtime).PORT);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(conf).toMatch(/proxy_next_upstream error timeout;/);
    const listen = /^\s*listen\s+(\d+);/m.exec(conf)![1];
    expect(compose.services.nginx.ports).toContain(`${listen}:${listen}`);
  });

  it("passes `nginx -t`", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-nginx-t-"));
    try {
      for (const name of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, `${name}-temp`));
      const file = path.join(dir, "nginx.conf");
      writeFileSync(file, localNginxConf(conf, dir, ["127.0.0.1:3001", "127.0.0.1:3002"], 18080));
      const result = spawnSync(NGINX_BIN, ["-t", "-p", dir, "-c", file, "-e", path.join(dir, "error.log")], { encoding: "utf8" });
      expect(result.error).toBeUndefined();
      expect(result.stderr).toContain("syntax is ok");
      expect(result.status, result.stderr).toBe(0);
      // And a broken file does not pass: the check can fail.
      writeFileSync(
        file,
        localNginxConf(conf, dir, ["127.0.0.1:3001"], 18080).replace("proxy_next_upstream error", "proxy_next_upstream eror"),
      );
      expect(spawnSync(NGINX_BIN, ["-t", "-p", dir, "-c", file, "-e", path.join(dir, "error.log")]).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
