import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { configurationVariableNames } from "@ociauth/api/config";
import { envOf, parseCopy, parseDockerfile, repoPathOf, repoRoot } from "./dockerfile";
import { DEPLOY_NGINX_CONF, localNginxConf, NGINX_BIN } from "./nginx";

/**
 * deploy/: no container engine runs here, so the Dockerfile, compose file, Kubernetes manifests
 * and nginx.conf are checked against the repository itself: files they copy, the command, the
 * probe paths, the settings and ports the server really has.
 */
const root = repoRoot;
const deployDir = path.join(root, "deploy");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/**
 * The probe paths the server answers: GET /healthz (alive) and GET /readyz (ready: database
 * reachable). Served by packages/api's front door.
 */
const PROBE_PATHS = { liveness: "/healthz", readiness: "/readyz" };

/** Variables read by Next.js itself, not by our code. */
const NEXT_VARIABLES = ["NEXT_TELEMETRY_DISABLED"];

// ---- Dockerfile -------------------------------------------------------------------------------

const dockerfile = parseDockerfile(read("deploy/Dockerfile"));
const runtime = dockerfile.filter((i) => i.stage === "runtime");
const last = (op: string) => runtime.filter((i) => i.op === op).at(-1)?.args;
const env = envOf;

// ---- YAML ---------------------------------------------------------------------------------------

const compose = parseYaml(read("deploy/docker-compose.yml"), { merge: true }); // `<<:` as Compose reads it
const manifests = readdirSync(path.join(deployDir, "kubernetes"))
  .filter((f) => f.endsWith(".yaml"))
  .flatMap((file) => parseAllDocuments(read(`deploy/kubernetes/${file}`)).map((doc) => ({ file, doc: doc.toJS() as any })));
const manifest = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const podSpecs = () => [...manifest("Deployment"), ...manifest("Job")].map((d) => d.spec.template.spec);

// ---- what the server reads ----------------------------------------------------------------------

/** Every variable the server reads: its configuration schema's (packages/api checks its sources read no other). */
function variablesTheServerReads(): Set<string> {
  return new Set([...NEXT_VARIABLES, ...configurationVariableNames()]);
}

const ipv4 = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
const inCidr = (ip: string, cidr: string) => {
  const [base, bits = "32"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base!) / size);
};

describe("deploy/Dockerfile", () => {
  it("builds in a stage of its own and runs a runtime stage from another base layer", () => {
    const stages = dockerfile.filter((i) => i.op === "FROM").map((i) => i.stage);
    expect(stages).toEqual(["build", "prod-deps", "runtime"]);
    expect(runtime.some((i) => i.op === "RUN")).toBe(false); // nothing is built or installed at run time
  });

  it("copies only sources that exist, into the build stages, and none the .dockerignore leaves out", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const copy of dockerfile.filter((i) => i.op === "COPY" && i.stage !== "runtime").map((i) => parseCopy(i.args))) {
      expect(copy.from).toBeUndefined();
      for (const source of copy.sources) {
        expect(existsSync(path.join(root, source)), source).toBe(true);
        if (source !== ".") expect(ignored, source).not.toContain(source);
      }
    }
  });

  it("the runtime stage copies compiled output that the build stages produce (the repository after `pnpm build`)", () => {
    const copies = runtime.filter((i) => i.op === "COPY").map((i) => parseCopy(i.args));
    expect(copies.length).toBeGreaterThan(5);
    for (const copy of copies) {
      expect(["build", "prod-deps"]).toContain(copy.from);
      for (const source of copy.sources) {
        const inRepo = repoPathOf(source, copy.from!);
        if (copy.from === "prod-deps" && source.endsWith("/node_modules")) {
          // Installed in that stage: one of the packages whose manifest it copies.
          const dir = path.dirname(source);
          const manifests = dockerfile.filter((i) => i.stage === "prod-deps" && i.op === "COPY").flatMap((i) => parseCopy(i.args).sources);
          expect(manifests, source).toContain(path.join(path.relative("/app", dir), "package.json"));
        }
        expect(existsSync(inRepo), `${copy.from}:${source}`).toBe(true);
      }
    }
    const sources = copies.flatMap((c) => c.sources);
    for (const needed of [
      "/src/packages/api/dist",
      "/src/apps/web/.next",
      "/src/apps/web/server.mjs",
      "/src/apps/web/scripts",
      "/src/prisma",
      "/src/packages/db/prisma.config.ts",
    ]) {
      expect(sources).toContain(needed);
    }
    expect(existsSync(path.join(root, "prisma/migrations"))).toBe(true);
    expect(statSync(path.join(root, "apps/web/.next/BUILD_ID")).isFile()).toBe(true);
  });

  it("starts what `pnpm start` starts", () => {
    const startScript = JSON.parse(read("apps/web/package.json")).scripts.start as string;
    expect(startScript).toBe("node ./scripts/start.mjs");
    expect(runtime.filter((i) => i.op === "WORKDIR").at(-1)?.args).toBe("/app/apps/web");
    expect(JSON.parse(last("CMD")!)).toEqual(["node", "scripts/start.mjs"]);
    // …which runs server.mjs from that folder.
    expect(read("apps/web/scripts/start.mjs")).toMatch(/spawn\(process\.execPath, \["server\.mjs"\], \{ cwd: appDir/);
  });

  it("runs as a numeric non-root user, exposes the port it listens on and checks /healthz", () => {
    const user = last("USER")!;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(":")[0])).toBeGreaterThan(0);
    const port = env(runtime).PORT;
    expect(last("EXPOSE")).toBe(port);
    const healthcheck = last("HEALTHCHECK")!;
    expect(healthcheck).toContain(`/healthz`);
    expect(healthcheck).toMatch(/process\.env\.PORT\|\|3000/);
    expect(port).toBe("3000");
    expect(Object.values(PROBE_PATHS)).toContain("/healthz");
  });

  it("sets only variables the server reads", () => {
    const known = variablesTheServerReads();
    for (const name of Object.keys(env(runtime)).filter((n) => n !== "NODE_ENV")) expect(known, name).toContain(name);
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

  it("migrates with the command the Kubernetes Job and packages/db's db:migrate use", () => {
    const job = manifest("Job")[0].spec.template.spec.containers[0];
    expect(services.migrate.command).toEqual(job.command);
    expect(services.migrate.working_dir).toBe(job.workingDir);
    const dbMigrate = JSON.parse(read("packages/db/package.json")).scripts["db:migrate"] as string;
    // node <prisma's CLI> <the same arguments as db:migrate>, from packages/db.
    expect(["prisma", ...job.command.slice(2)].join(" ")).toBe(dbMigrate);
    expect(job.workingDir).toBe("/app/packages/db");
    expect(existsSync(path.join(root, "packages/db", job.command[1]))).toBe(true);
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

describe("deploy/kubernetes", () => {
  it("every manifest names its API, kind and name", () => {
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(["ConfigMap", "Deployment", "Job", "Secret", "Service"]);
    for (const { file, doc } of manifests) {
      expect(doc.apiVersion, file).toMatch(/^(v1|apps\/v1|batch\/v1)$/);
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it("the Deployment probes /readyz and /healthz on the container's port, with resources, as non-root", () => {
    const deployment = manifest("Deployment")[0];
    const pod = deployment.spec.template;
    expect(pod.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    const container = pod.spec.containers[0];
    expect(container.ports).toEqual([{ name: "http", containerPort: Number(env(runtime).PORT) }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: PROBE_PATHS.readiness, port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: PROBE_PATHS.liveness, port: "http" });
    // The writable places of a read-only container: Next's cache and /tmp.
    expect(container.volumeMounts.map((v: any) => v.mountPath).sort()).toEqual(["/app/apps/web/.next/cache", "/tmp"]);
  });

  it("every pod runs non-root without privilege escalation and has resources", () => {
    const user = Number(last("USER")!.split(":")[0]);
    for (const pod of podSpecs()) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: user });
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(container.resources.requests.cpu).toBeTruthy();
        expect(container.resources.limits.memory).toBeTruthy();
      }
    }
  });

  it("the Service selects the Deployment's pods on the named port", () => {
    const service = manifest("Service")[0];
    expect(manifest("Deployment")[0].spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe("http");
  });

  it("the ConfigMap and Secret hold only settings the server reads, and every reference to them resolves", () => {
    const known = variablesTheServerReads();
    const configMap = manifest("ConfigMap")[0];
    const secret = manifest("Secret")[0];
    for (const name of [...Object.keys(configMap.data), ...Object.keys(secret.stringData)]) expect(known, name).toContain(name);
    expect(Object.keys(secret.stringData).sort()).toEqual(["AUTH_SECRET", "DATABASE_URL"]);
    expect(configMap.data.PORT).toBe(env(runtime).PORT);
    for (const pod of podSpecs()) {
      for (const container of pod.containers) {
        for (const from of container.envFrom ?? []) {
          if (from.configMapRef) expect(from.configMapRef.name).toBe(configMap.metadata.name);
          if (from.secretRef) expect(from.secretRef.name).toBe(secret.metadata.name);
        }
        for (const variable of container.env ?? []) {
          expect(known).toContain(variable.name);
          expect(variable.valueFrom.secretKeyRef.name).toBe(secret.metadata.name);
          expect(Object.keys(secret.stringData)).toContain(variable.valueFrom.secretKeyRef.key);
        }
      }
    }
  });
});
