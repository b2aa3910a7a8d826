// `pnpm build` for @ociauth/api: one ES module, dist/index.js, with the workspace packages it uses
// (@ociauth/db and its generated Prisma client, @ociauth/schema) compiled in. Every other import
// stays external and must be a dependency of this package, so Node finds it at run time: the
// build checks that and names what is missing. Types come from the sources (tsc checks them).
// `--watch` (what `pnpm dev` runs) builds again whenever a source changes, until stopped.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, context } from "esbuild";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();

/** Bare imports outside the workspace stay imports; @ociauth/* sources are compiled in. */
const externalUnlessWorkspace = {
  name: "external-unless-workspace",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@ociauth/") || args.path.startsWith("node:")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** The version and git revision built, written into the bundle (what /api/status shows where no checkout or OCIAUTH_* says otherwise). */
function builtFrom() {
  const root = path.resolve(packageDir, "../..");
  const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  let revision = "unknown";
  try {
    revision = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    // Not a git checkout (a source archive, a container build without .git): the image passes REVISION instead.
  }
  return { version: version ?? "unknown", revision };
}

const options = {
  absWorkingDir: packageDir,
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
  plugins: [externalUnlessWorkspace],
  define: { __OCIAUTH_BUILD__: JSON.stringify(builtFrom()) },
};

if (process.argv.includes("--watch")) {
  const reportRebuilds = {
    name: "report-rebuilds",
    setup(b) {
      let began = Date.now();
      b.onStart(() => void (began = Date.now()));
      b.onEnd((result) => {
        if (result.errors.length === 0) console.log(`@ociauth/api: rebuilt dist/index.js in ${Date.now() - began} ms`);
      });
    },
  };
  const watcher = await context({ ...options, plugins: [...options.plugins, reportRebuilds] });
  await watcher.watch();
  console.log("@ociauth/api: watching src/ and the workspace packages it compiles in");
} else {
  report(await build(options));
}

function report(result) {
  const packageName = (specifier) =>
    specifier
      .split("/")
      .slice(0, specifier.startsWith("@") ? 2 : 1)
      .join("/");
  const externals = new Set();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports)
      if (imported.external && !imported.path.startsWith("node:")) externals.add(packageName(imported.path));
  }
  // pnpm links exactly the declared dependencies into node_modules/: that is what Node will find.
  const missing = [...externals].filter((name) => !existsSync(path.join(packageDir, "node_modules", name, "package.json")));
  if (missing.length > 0) {
    console.error(`@ociauth/api imports ${missing.join(", ")} but does not depend on it: add it to packages/api/package.json.`);
    process.exit(1);
  }
  const bytes = result.metafile.outputs["dist/index.js"].bytes;
  console.log(
    `@ociauth/api: dist/index.js (${(bytes / 1024).toFixed(0)} KiB, ${externals.size} external packages) in ${Date.now() - started} ms`,
  );
}
