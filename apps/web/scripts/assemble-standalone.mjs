// After `pnpm build`: the smallest tree that runs the server, its migration step and its backup
// commands, for the container image (deploy/Dockerfile copies it to /app). Next's standalone
// output (the pages and the parts of `next` they need) plus every file our own entry points reach,
// found by tracing their imports with @vercel/nft (the tracer Next uses, shipped inside `next`).
// pnpm's node_modules/.pnpm layout and its symlinks are kept as they are.
//   node apps/web/scripts/assemble-standalone.mjs <out-dir>
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(appDir, "..", "..");
const out = path.resolve(process.argv[2] ?? "");
if (!process.argv[2]) {
  console.error("Usage: node apps/web/scripts/assemble-standalone.mjs <out-dir>");
  process.exit(2);
}
const standalone = path.join(appDir, ".next", "standalone");
if (!existsSync(path.join(standalone, "apps", "web", "server.js"))) {
  console.error('No standalone build found: run `pnpm build` first (next.config.ts sets output: "standalone").');
  process.exit(1);
}
const started = Date.now();
const step = (message) => console.log(`[assemble ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 1. Next's standalone output: .next/server and the node_modules the pages need.
step("copying Next's standalone output");
cpSync(standalone, out, { recursive: true, verbatimSymlinks: true });
rmSync(path.join(out, "apps", "web", "server.js")); // Next's own entry; ours is server.mjs
cpSync(path.join(appDir, ".next", "static"), path.join(out, "apps", "web", ".next", "static"), { recursive: true });
cpSync(path.join(appDir, "public"), path.join(out, "apps", "web", "public"), { recursive: true });

// 2. Our entry points and what they import, traced.
const appRequire = createRequire(path.join(appDir, "package.json"));
const dbDir = path.join(root, "packages", "db");
const dbRequire = createRequire(path.join(dbDir, "package.json"));
const { nodeFileTrace } = appRequire("next/dist/compiled/@vercel/nft");
// Prisma's CLI loads packages/db/prisma.config.ts (TypeScript, compiled by the CLI itself), which
// imports these: a small entry stands for it so the tracer finds them from packages/db.
const configDeps = path.join(dbDir, ".image-config-deps.mjs");
writeFileSync(
  configDeps,
  ["@electric-sql/pglite", "pg", "@prisma/adapter-pg", "pglite-prisma-adapter", "prisma/config"]
    .map((name) => `import ${JSON.stringify(name)};`)
    .join("\n"),
);
const prismaDir = path.dirname(dbRequire.resolve("prisma/package.json"));
const entries = [
  path.join(appDir, "server.mjs"),
  ...["migrate.mjs", "backup.mjs", "restore.mjs"].map((f) => path.join(appDir, "scripts", f)).filter((f) => existsSync(f)),
  path.join(root, "packages", "api", "dist", "index.js"),
  configDeps,
  // Prisma's CLI is one bundled file (copied whole below); its own dependencies are traced.
  createRequire(path.join(prismaDir, "package.json")).resolve("@prisma/engines"),
];
// `next` comes from Next's standalone output, traced for the pages (a fraction of the package).
const fromNext = /node_modules\/next\//;
step(`tracing ${entries.length} entry points`);
let traced;
try {
  traced = await nodeFileTrace(entries, { base: root, processCwd: root, ignore: (file) => fromNext.test(file) });
} finally {
  rmSync(configDeps, { force: true });
}
const files = new Set([...traced.fileList].filter((f) => !f.endsWith(".image-config-deps.mjs")));

// 3. What no import names: the workspace markers the server looks for, the migrations, Prisma's
// config and its sources, and the whole of Prisma's CLI build (it reads its WebAssembly engines by path).
const alsoCopy = [
  "package.json",
  "pnpm-workspace.yaml",
  "prisma",
  "apps/web/package.json",
  "packages/api/package.json",
  "packages/db/package.json",
  "packages/db/prisma.config.ts",
  "packages/db/src",
  "packages/schema/package.json",
  "packages/schema/src",
  path.relative(root, path.join(prismaDir, "build")),
  path.relative(root, path.join(prismaDir, "package.json")),
];
// Prisma's engines for databases this service does not use.
const otherProviders = /\/build\/query_(compiler|engine)_bg\.(cockroachdb|mysql|sqlite|sqlserver)\./;
const skip = (file) =>
  otherProviders.test(file) || /\.d\.ts$|\.md$/i.test(file) || (file.startsWith("packages/") && /\.test\.ts$|\/src\/testing\//.test(file));
const addTree = (rel) => {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  if (lstatSync(abs).isDirectory()) {
    for (const entry of readdirTree(abs)) files.add(path.relative(root, entry));
  } else files.add(rel);
};
for (const rel of alsoCopy) addTree(rel);
// The CLI's own dependencies are reached through links beside it in pnpm's store.
const prismaPackage = JSON.parse(readFileSync(path.join(prismaDir, "package.json"), "utf8"));
for (const dep of Object.keys(prismaPackage.dependencies ?? {})) files.add(path.relative(root, path.join(path.dirname(prismaDir), dep)));

step(`copying ${files.size} traced files`);
let bytes = 0;
for (const rel of [...files].sort()) {
  if (skip(rel)) continue;
  const from = path.join(root, rel);
  const to = path.join(out, rel);
  const stat = lstatSync(from, { throwIfNoEntry: false });
  if (!stat || existsSync(to) || lstatSync(to, { throwIfNoEntry: false })) continue;
  mkdirSync(path.dirname(to), { recursive: true });
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (stat.isFile()) {
    cpSync(from, to);
    bytes += stat.size;
  }
}
// Workspace links (packages/*/node_modules/@ociauth/…) point at packages that are present.
step(`copied ${(bytes / 1e6).toFixed(1)} MB of traced files`);

// 4. Left out on purpose: Next's image optimiser (sharp, libvips) — the app serves no next/image.
for (const dir of ["@img+sharp-libvips-linux-x64", "@img+sharp-linux-x64", "sharp@"]) {
  for (const name of listDir(path.join(out, "node_modules", ".pnpm")).filter((n) => n.startsWith(dir))) {
    rmSync(path.join(out, "node_modules", ".pnpm", name), { recursive: true, force: true });
  }
}

const size = duBytes(out);
step(`done: ${out} (${(size / 1e6).toFixed(1)} MB)`);

function readdirTree(dir) {
  return listDir(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    const stat = lstatSync(abs);
    return stat.isDirectory() ? readdirTree(abs) : [abs];
  });
}
function listDir(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}
function duBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    const stat = lstatSync(abs);
    if (stat.isDirectory()) total += duBytes(abs);
    else if (stat.isFile()) total += stat.size;
  }
  return total;
}
