import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Builds deploy/Dockerfile with buildah as these machines allow (no daemon: chroot isolation, the
 * vfs storage driver). The Dockerfile's base is the official Node.js image pinned by digest; when
 * no container registry can be reached (as here), the test falls back to a base of its own made the
 * same way a slim Node.js image is: Debian bookworm (minbase, by debootstrap from Debian's
 * packages) plus this machine's Node.js 20 and npm. That fallback is for tests only.
 */
export const repoRoot = path.resolve(import.meta.dirname, "../../../../..");
export const FALLBACK_BASE = "localhost/ociauth-test-base:node20";
const STORAGE_ENV = { STORAGE_DRIVER: "vfs", BUILDAH_ISOLATION: "chroot" };

export function buildah(args: string[], options: { input?: string } = {}): string {
  return execFileSync("buildah", args, {
    env: { ...process.env, ...STORAGE_ENV },
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString();
}

const log = (message: string) => console.log(`[image] ${message}`);

/** The NODE_IMAGE argument of deploy/Dockerfile: its pinned default. */
export function pinnedBaseImage(): string {
  const match = /^ARG NODE_IMAGE=(\S+)$/m.exec(readFileSync(path.join(repoRoot, "deploy/Dockerfile"), "utf8"));
  if (!match) throw new Error("deploy/Dockerfile has no `ARG NODE_IMAGE=` default");
  return match[1]!;
}

/** The base to build on: the pinned official image when it can be pulled, else the test fallback. */
export function baseImage(): { image: string; fallback: boolean } {
  const pinned = pinnedBaseImage();
  try {
    buildah(["pull", "--quiet", `docker.io/library/${pinned}`]);
    log(`pulled the pinned base ${pinned}`);
    return { image: pinned, fallback: false };
  } catch (error) {
    const reason = String((error as { stderr?: Buffer }).stderr ?? error)
      .trim()
      .split("\n")
      .at(-1);
    log(`the pinned base ${pinned} cannot be pulled (${reason}); using the test fallback base`);
    ensureFallbackBase();
    return { image: FALLBACK_BASE, fallback: true };
  }
}

function imageExists(name: string): boolean {
  try {
    buildah(["inspect", "--type", "image", name]);
    return true;
  } catch {
    return false;
  }
}

/** Debian bookworm minbase + this machine's node and npm, tagged FALLBACK_BASE (made once per machine). */
export function ensureFallbackBase(): void {
  const nodeVersion = execFileSync(process.execPath, ["--version"]).toString().trim();
  if (imageExists(FALLBACK_BASE)) {
    const label = JSON.parse(buildah(["inspect", "--type", "image", FALLBACK_BASE])).Docker?.config?.Labels?.["node.version"];
    if (label === nodeVersion) return;
  }
  const started = Date.now();
  const work = mkdtempSync(path.join(os.tmpdir(), "ociauth-base-"));
  const rootfs = path.join(work, "rootfs");
  try {
    log("making the fallback base: debootstrap --variant=minbase bookworm (about a minute)…");
    const mirror = process.env.DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
    execFileSync("debootstrap", ["--variant=minbase", "bookworm", rootfs, mirror], { stdio: ["ignore", "ignore", "pipe"] });
    for (const dir of [
      "var/cache/apt/archives",
      "var/lib/apt/lists",
      "usr/share/doc",
      "usr/share/man",
      "usr/share/info",
      "usr/share/locale",
    ]) {
      rmSync(path.join(rootfs, dir), { recursive: true, force: true });
      mkdirSync(path.join(rootfs, dir), { recursive: true });
    }
    // Node.js where the official image has it, with npm (the build stage installs pnpm with it).
    const nodeModules = path.join(rootfs, "usr/local/lib/node_modules");
    mkdirSync(nodeModules, { recursive: true });
    cpSync(process.execPath, path.join(rootfs, "usr/local/bin/node"));
    const npmDir = path.join(path.dirname(path.dirname(process.execPath)), "lib/node_modules/npm");
    cpSync(npmDir, path.join(nodeModules, "npm"), { recursive: true });
    symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(rootfs, "usr/local/bin/npm"));
    execFileSync("tar", ["-C", rootfs, "-cf", path.join(work, "rootfs.tar"), "."]);
    rmSync(rootfs, { recursive: true, force: true });
    writeFileSync(
      path.join(work, "Containerfile"),
      [
        "FROM scratch",
        "ADD rootfs.tar /",
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        `LABEL node.version=${nodeVersion}`,
        'CMD ["node"]',
      ].join("\n"),
    );
    buildah(["bud", "--format", "docker", "--quiet", "-t", FALLBACK_BASE, work]);
    log(`fallback base ${FALLBACK_BASE} made in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `buildah bud` of deploy/Dockerfile, its output streamed with a step-by-step prefix. */
export async function buildImage(tag: string, args: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
  const started = Date.now();
  const argv = ["bud", "--format", "docker", "--layers=false", "-f", "deploy/Dockerfile", "-t", tag];
  for (const [key, value] of Object.entries(args)) argv.push("--build-arg", `${key}=${value}`);
  for (const [id, file] of Object.entries(secrets)) argv.push("--secret", `id=${id},src=${file}`);
  argv.push(".");
  log(`buildah ${argv.join(" ")}`);
  let tail = "";
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn("buildah", argv, { cwd: repoRoot, env: { ...process.env, ...STORAGE_ENV }, stdio: ["ignore", "pipe", "pipe"] });
    const onData = (data: Buffer) => {
      tail = (tail + data.toString()).slice(-20_000);
      for (const line of data.toString().split("\n"))
        if (/^\[\d\/\d\] STEP|^\[assemble|Successfully tagged/.test(line)) log(line.slice(0, 160));
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("close", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`buildah bud failed (exit ${code}):\n${tail}`);
  log(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export interface ImageConfig {
  Env: string[];
  Cmd: string[];
  User: string;
  WorkingDir: string;
  Labels: Record<string, string>;
  Volumes: Record<string, unknown> | null;
  ExposedPorts: Record<string, unknown> | null;
  Healthcheck?: { Test: string[]; Interval: number; Timeout: number; StartPeriod: number; Retries: number };
}

/** The image's configuration in the docker format (which keeps HEALTHCHECK). */
export function imageConfig(tag: string): ImageConfig {
  return JSON.parse(buildah(["inspect", "--type", "image", tag])).Docker.config as ImageConfig;
}

/** The image's size as `docker images` reports it: its layers unpacked. */
export function imageSizeBytes(tag: string): number {
  const out = buildah(["images", "--format", "{{.Size}}", "--noheading", tag]).trim();
  const match = /^([\d.]+)\s*([kMG]?B)$/.exec(out);
  if (!match) throw new Error(`unexpected size from buildah images: ${out}`);
  const unit = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[match[2] as "B" | "kB" | "MB" | "GB"];
  return Number(match[1]) * unit;
}

export function removeImage(tag: string): void {
  try {
    buildah(["rmi", "--force", tag]);
  } catch {
    // already gone
  }
}
