import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "@ociauth/db/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { envOf, parseCopy, parseDockerfile, repoPathOf, repoRoot } from "./dockerfile";

/**
 * No container engine runs here, so the image's runtime stage is assembled the way Docker would:
 * the prod-deps stage's COPY lines and its `pnpm install --prod`, then the runtime stage's COPY
 * lines from the built repository, in a temporary folder standing for /app with no other
 * node_modules above it. Then the Kubernetes migration initContainer's command and the image's CMD
 * run there.
 */
describe("deploy/Dockerfile's runtime stage, assembled from its own instructions", () => {
  const dockerfile = parseDockerfile(readFileSync(path.join(repoRoot, "deploy/Dockerfile"), "utf8"));
  const stage = (name: string) => dockerfile.filter((i) => i.stage === name);
  const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-image-"));
  const app = path.join(dir, "app");
  /** A path of the image (under /app) in the assembled folder. */
  const local = (imagePath: string) => {
    if (!imagePath.startsWith("/app")) throw new Error(`${imagePath} is outside /app`);
    return path.join(app, imagePath.slice("/app".length));
  };
  const children: number[] = [];

  afterAll(() => {
    for (const pid of children) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** COPY <sources> <destination> from `fromDir`, relative destinations against `workdir`. */
  function copy(sources: string[], destination: string, workdir: string, sourcePath: (s: string) => string) {
    const target = local(path.posix.resolve(workdir, destination));
    for (const source of sources) {
      const from = sourcePath(source);
      expect(existsSync(from), source).toBe(true);
      const to = destination.endsWith("/") ? path.join(target, path.basename(from)) : target;
      mkdirSync(path.dirname(to), { recursive: true });
      // The build stage deletes Next's cache before the runtime stage copies .next.
      cpSync(from, to, { recursive: true, filter: (f) => !f.includes(`${path.sep}.next${path.sep}cache`) });
    }
  }

  it("installs, migrates an empty PostgreSQL database with the Kubernetes migration command and serves with CMD", async () => {
    // prod-deps: manifests and lockfile, then its install (offline: the repository's install filled the store).
    let workdir = "/";
    for (const i of stage("prod-deps")) {
      if (i.op === "WORKDIR") workdir = i.args;
      if (i.op === "COPY") {
        const c = parseCopy(i.args);
        copy(c.sources, c.destination, workdir, (s) => path.join(repoRoot, s));
      }
    }
    const install = stage("prod-deps").find((i) => i.op === "RUN" && i.args.startsWith("pnpm install"))!;
    const args = [
      ...install.args
        .split(/\s+/)
        .slice(1)
        .map((a) => a.replace(/^"(.*)"$/, "$1")),
      "--offline",
    ];
    const installed = spawnSync("pnpm", args, { cwd: app, env: { ...process.env, CI: "1" }, encoding: "utf8" });
    expect(installed.status, installed.stderr + installed.stdout).toBe(0);

    // runtime: what it copies from prod-deps is in place already (same /app); the rest from the build.
    workdir = "/";
    for (const i of stage("runtime")) {
      if (i.op === "WORKDIR") workdir = i.args;
      if (i.op !== "COPY") continue;
      const c = parseCopy(i.args);
      if (c.from === "prod-deps") {
        for (const source of c.sources) expect(existsSync(local(source)), source).toBe(true);
      } else {
        copy(c.sources, c.destination, workdir, (s) => repoPathOf(s, "build"));
      }
    }
    expect(existsSync(local("/app/node_modules/.pnpm"))).toBe(true);
    // Production dependencies only: no test tools.
    expect(readdirSync(local("/app/node_modules/.pnpm")).some((name) => name.startsWith("vitest@"))).toBe(false);

    // A database of its own on the test PostgreSQL server.
    const admin = new pg.Client({ connectionString: process.env.TEST_PG_URL });
    await admin.connect();
    await admin.query("CREATE DATABASE image_layout");
    await admin.end();
    const url = new URL(process.env.TEST_PG_URL!);
    url.pathname = "/image_layout";
    const databaseUrl = url.toString();
    // Only what the image sets (ENV) and the container is given: nothing from this shell.
    const imageEnv = (extra: Record<string, string>) =>
      ({ PATH: process.env.PATH!, HOME: dir, ...envOf(stage("runtime")), ...extra }) as unknown as NodeJS.ProcessEnv;

    // The Kubernetes migration initContainer's command, from its working directory.
    const deployment = parseAllDocuments(readFileSync(path.join(repoRoot, "deploy/kubernetes/base/deployment.yaml"), "utf8"))[0]!.toJS();
    const container = deployment.spec.template.spec.initContainers.find((c: { name: string }) => c.name === "migrate");
    const [command, ...commandArgs] = container.command as string[];
    const migrated = spawnSync(command!, commandArgs, {
      cwd: local(container.workingDir),
      env: imageEnv({ DATABASE_URL: databaseUrl }),
      encoding: "utf8",
    });
    expect(migrated.status, migrated.stderr + migrated.stdout).toBe(0);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const applied = await db.query("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL");
      const folders = readdirSync(path.join(repoRoot, "prisma/migrations"), { withFileTypes: true }).filter((e) => e.isDirectory());
      expect(applied.rows.length).toBe(folders.length);
    } finally {
      await db.end();
    }

    // CMD from the last WORKDIR, with the image's ENV and the two secrets.
    const cmd = JSON.parse(
      stage("runtime")
        .filter((i) => i.op === "CMD")
        .at(-1)!.args,
    ) as string[];
    const port = await freePort();
    const server = spawn(cmd[0]!, cmd.slice(1), {
      cwd: local(workdir),
      env: imageEnv({
        DATABASE_URL: databaseUrl,
        AUTH_SECRET: "image-layout-secret-with-at-least-32-chars",
        PORT: String(port),
        HOST: "127.0.0.1",
      }),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    children.push(server.pid!);
    let output = "";
    server.stdout.on("data", (d) => (output += d));
    server.stderr.on("data", (d) => (output += d));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    let api: Response | undefined;
    while (!api) {
      if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the server did not answer:\n${output}`);
      api = await fetch(`${base}/api/v1/identities`).catch(() => undefined);
      if (!api) await new Promise((r) => setTimeout(r, 300));
    }
    expect(api.status).toBe(401); // the API, asking for a token
    const page = await fetch(`${base}/setup`);
    expect(page.status).toBe(200); // a dashboard page rendered by Next from .next
    expect(await page.text()).toContain("<html");
    expect(output).toContain(`listening on http://127.0.0.1:${port}`);
    // What the image's HEALTHCHECK and the Deployment's probes ask for, answered by this layout.
    for (const probe of ["/healthz", "/readyz"]) expect((await fetch(`${base}${probe}`)).status, probe).toBe(200);
  });
});
