import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildah, type ImageConfig } from "./container-image";

/**
 * Runs an image's command the way a container engine does, without one (none runs on these
 * machines): its root file system (buildah's copy of the image) mounted read-only in a mount
 * namespace of its own, a volume at /data, a fresh /tmp, the image's environment and working
 * directory, as the image's user (uid 1000). The network is the host's: the test reaches it on
 * 127.0.0.1. What a container engine adds beyond that (a network namespace, cgroups, seccomp)
 * is not what these tests are about.
 */
export interface Container {
  child: ChildProcess;
  output: () => string;
  /** The volume's folder on the host (the image's /data). */
  volume: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Removes the working container and the volume (after the process has exited). */
  remove: () => void;
}

export function runContainer(
  image: string,
  config: ImageConfig,
  options: { env?: Record<string, string>; command?: string[]; volume?: string } = {},
): Container {
  const name = `ociauth-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  buildah(["from", "--name", name, "--pull-never", image]);
  const root = buildah(["mount", name]).trim();
  const volume = options.volume ?? mkdtempSync(path.join(os.tmpdir(), "ociauth-volume-"));
  execFileSync("chown", ["1000:1000", volume]);
  const [uid, gid = uid] = (config.User || "0").split(":");
  const env = { ...Object.fromEntries(config.Env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])), ...options.env };
  const command = options.command ?? config.Cmd;
  for (const dir of ["proc", "dev", "tmp", "data"]) mkdirSync(path.join(root, dir), { recursive: true });
  // Mounts first (as root, in a private mount namespace), then the root is changed, the working
  // directory set and the user switched for the command.
  const script = [
    "set -e",
    `mount --bind "$ROOT" "$ROOT"`,
    `mount --bind "$VOLUME" "$ROOT/data"`,
    `mount -t proc proc "$ROOT/proc"`,
    `mount --rbind /dev "$ROOT/dev"`,
    `mount -t tmpfs -o mode=1777,size=64m tmpfs "$ROOT/tmp"`,
    `mount -o remount,bind,ro "$ROOT"`,
    `exec env -i ${Object.keys(env)
      .map((k) => `"${k}=$E_${k}"`)
      .join(" ")} unshare --root="$ROOT" --wd="$WORKDIR" --setuid ${uid} --setgid ${gid} -- "$@"`,
  ].join("\n");
  const child = spawn("unshare", ["--mount", "--propagation", "private", "--fork", "--", "sh", "-c", script, "sh", ...command], {
    env: {
      ...process.env, // for the set-up script only: `env -i` gives the command the image's environment alone
      ROOT: root,
      VOLUME: volume,
      WORKDIR: config.WorkingDir || "/",
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [`E_${k}`, v])),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    volume,
    exited,
    remove() {
      buildah(["rm", name]);
      if (!options.volume) rmSync(volume, { recursive: true, force: true });
    },
  };
}

/** The PID of the command inside (unshare --fork's child's child): signals go to it, as an engine's do to PID 1. */
export function commandPid(container: Container): number {
  const forked = execFileSync("pgrep", ["-P", String(container.child.pid)])
    .toString()
    .trim()
    .split("\n")[0]!;
  return Number(forked);
}
