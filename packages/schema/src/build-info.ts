import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** What was built: the release version and the source revision (a git commit), "unknown" when neither can be found. */
export interface BuildInfo {
  version: string;
  revision: string;
}

// Written into bundles by their build (packages/api/scripts/build.mjs, packages/client/scripts/pack.mjs).
declare const __OCIAUTH_BUILD__: Partial<BuildInfo> | undefined;
const BAKED: Partial<BuildInfo> = typeof __OCIAUTH_BUILD__ === "undefined" ? {} : __OCIAUTH_BUILD__;

/** The root name of this repository's package.json: a checkout of ours, not some project that installed the client. */
const ROOT_PACKAGE_NAME = "ociauth";

/** This repository's checkout the code runs from (its package.json version, git's HEAD), or null (an image, an installed package). */
function fromCheckout(): Partial<BuildInfo> {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) break;
    const parent = path.dirname(dir);
    if (parent === dir) return {};
    dir = parent;
  }
  let manifest: { name?: string; version?: string };
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as typeof manifest;
  } catch {
    return {};
  }
  if (manifest.name !== ROOT_PACKAGE_NAME) return {};
  return { version: manifest.version, revision: gitHead(dir) };
}

function gitHead(dir: string): string | undefined {
  if (!existsSync(path.join(dir, ".git"))) return undefined;
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    });
    return /^[0-9a-f]{40,64}$/.test(head.trim()) ? head.trim() : undefined;
  } catch {
    return undefined;
  }
}

let checkout: Partial<BuildInfo> | undefined;

/**
 * The version and revision: `OCIAUTH_VERSION` / `OCIAUTH_REVISION` when set (the image sets them
 * from its build arguments), else what a checkout of this repository says (the root package.json's
 * version, git's HEAD), else what the build wrote into the bundle, else "unknown".
 */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  checkout ??= fromCheckout();
  return {
    version: env.OCIAUTH_VERSION?.trim() || checkout.version || BAKED.version || "unknown",
    revision: env.OCIAUTH_REVISION?.trim() || checkout.revision || BAKED.revision || "unknown",
  };
}
