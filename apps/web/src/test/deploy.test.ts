import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { envOf, parseCopy, parseDockerfile, repoRoot } from "./dockerfile";
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

/** Every variable our server code reads: config.ts's schema plus direct process.env reads. */
function variablesTheServerReads(): Set<string> {
  const names = new Set<string>(NEXT_VARIABLES);
  const config = read("packages/api/src/core/config.ts");
  const schema = config.slice(config.indexOf("const envSchema"), config.indexOf("});", config.indexOf("const envSchema")));
  for (const m of schema.matchAll(/^\s{2}([A-Z_][A-Z0-9_]*):/gm)) names.add(m[1]!);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === "generated" ? [] : walk(path.join(dir, e.name))) : [path.join(dir, e.name)],
    );
  for (const dir of ["packages/api/src", "packages/db/src"]) {
    for (const file of walk(path.join(root, dir)).filter((f) => /\.ts$/.test(f) && !/\.test\.ts$|\/test\/|\/testing\//.test(f))) {
      for (const m of readFileSync(file, "utf8").matchAll(/\benv\.([A-Z_][A-Z0-9_]*)/g)) names.add(m[1]!);
    }
  }
  return names;
}

const ipv4 = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
const inCidr = (ip: string, cidr: string) => {
  const [base, bits = "32"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base!) / size);
};

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
