// `pnpm --filter @ociauth/client pack:tarball`: the package as it installs outside this repository.
//
// In the workspace the package is TypeScript sources (exports → src/index.ts) that depend on
// @ociauth/api and @ociauth/schema through workspace:*, which npm cannot resolve. The tarball is
// made self-contained instead:
//   - JavaScript: esbuild bundles src/index.ts and the CLI into ESM (dist/), inlining the little
//     it uses of @ociauth/schema; @trpc/client, jose and oci-common stay ordinary npm dependencies.
//   - Types: tsc emits the declarations of src/, and dist/app-router.d.ts replaces @ociauth/api:
//     the router's type printed as plain input and output object types for every procedure (no
//     zod, Prisma or server types), on @trpc/server's own router types.
//   - package.json: exports → dist, the `ociauth` bin → dist/cli.js, npm dependencies only (the
//     versions of the workspace catalog).
// Then `npm pack` in that staging folder writes the tarball. Prints the tarball's path.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import ts from "typescript";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoDir = path.resolve(packageDir, "../..");
const outDir = path.resolve(process.argv[2] ?? path.join(packageDir, ".pack"));
const stage = path.join(outDir, "package");
const dist = path.join(stage, "dist");
const source = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
/** The release version: the repository's (root package.json), the same as the server's. */
const version = JSON.parse(readFileSync(path.join(repoDir, "package.json"), "utf8")).version;

/** The git revision packed (`ociauth --version` shows it), "unknown" outside a checkout. */
function revision() {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

/** Versions of the pnpm catalog (pnpm-workspace.yaml), for the dependencies the tarball keeps. */
function catalogVersions() {
  const text = readFileSync(path.join(repoDir, "pnpm-workspace.yaml"), "utf8");
  const block = text.slice(text.indexOf("\ncatalog:") + 1).split(/\n(?=\S)/)[0];
  const versions = {};
  for (const line of block.split("\n").slice(1)) {
    const match = /^\s+"?([^":]+)"?:\s*(\S+)/.exec(line);
    if (match) versions[match[1]] = match[2];
  }
  return versions;
}

const RUNTIME_DEPENDENCIES = ["@trpc/client", "@trpc/server", "jose", "oci-common"];

async function bundleJs() {
  await build({
    absWorkingDir: packageDir,
    entryPoints: { index: "src/index.ts", cli: "src/cli.ts" },
    outdir: dist,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: RUNTIME_DEPENDENCIES,
    chunkNames: "chunks/[name]-[hash]",
    legalComments: "none",
    logLevel: "warning",
    define: { __OCIAUTH_BUILD__: JSON.stringify({ version, revision: revision() }) },
  });
}

const compilerOptions = () => {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(packageDir, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  return { ...config.options, noEmit: false, skipLibCheck: true, incremental: false };
};

function failOn(diagnostics) {
  if (diagnostics.length === 0) return;
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => packageDir, getNewLine: () => "\n" };
  throw new Error(ts.formatDiagnostics(diagnostics, host));
}

/** Declarations of src/ (relative imports get their .js, as NodeNext resolution needs), @ociauth/api → ./app-router.js. */
function emitDeclarations() {
  const program = ts.createProgram([path.join(packageDir, "src/index.ts")], {
    ...compilerOptions(),
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: path.join(packageDir, "src"),
    outDir: dist,
  });
  const result = program.emit(undefined, (file, text) => {
    if (!file.startsWith(dist)) return; // sources of other packages are not ours to ship
    const fixed = text
      .replace(/(from\s+|import\()"(\.{1,2}\/[^"]+?)(?<!\.js)"/g, '$1"$2.js"')
      .replaceAll('"@ociauth/api"', '"./app-router.js"');
    if (/@ociauth\//.test(fixed)) throw new Error(`${file} still refers to a workspace package`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, fixed);
  });
  failOn(result.diagnostics);
}

/** The router's type with every procedure's input and output printed as plain types. */
function writeRouterTypes() {
  const probe = path.join(packageDir, "src", "__router-types-probe.ts");
  const probeText = [
    'import type { AppRouter } from "@ociauth/api";',
    'import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";',
    "type R = AppRouter['_def']['record'];",
    "export type Kinds = { [G in keyof R]: { [N in keyof R[G]]: R[G][N] extends { _def: { type: infer T } } ? T : never } };",
    "export type Inputs = inferRouterInputs<AppRouter>;",
    "export type Outputs = inferRouterOutputs<AppRouter>;",
    "export type ErrorShape = AppRouter['_def']['_config']['$types']['errorShape'];",
  ].join("\n");
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => file === probe || fileExists.call(host, file);
  host.readFile = (file) => (file === probe ? probeText : readFile.call(host, file));
  host.getSourceFile = (file, language, ...rest) =>
    file === probe ? ts.createSourceFile(file, probeText, language, true) : getSourceFile.call(host, file, language, ...rest);
  const program = ts.createProgram([probe], options, host);
  failOn(ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)));
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(probe);
  const alias = (name) => {
    const symbol = checker.getSymbolAtLocation(sourceFile).exports.get(name);
    return checker.getDeclaredTypeOfSymbol(symbol);
  };
  const prop = (type, name) => checker.getTypeOfSymbol(checker.getPropertyOfType(type, name));
  const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

  function print(type, indent = "", depth = 0) {
    if (depth > 30) throw new Error(`type too deep: ${checker.typeToString(type)}`);
    const f = type.flags;
    if (f & ts.TypeFlags.Any) return "any";
    if (f & ts.TypeFlags.Unknown) return "unknown";
    if (f & ts.TypeFlags.Never) return "never";
    if (f & ts.TypeFlags.String) return "string";
    if (f & ts.TypeFlags.Number) return "number";
    if (f & ts.TypeFlags.Boolean) return "boolean";
    if (f & ts.TypeFlags.BigInt) return "bigint";
    if (f & ts.TypeFlags.Null) return "null";
    if (f & ts.TypeFlags.Undefined) return "undefined";
    if (f & ts.TypeFlags.Void) return "void";
    if (f & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BooleanLiteral)) return checker.typeToString(type);
    if (type.isUnion()) {
      const parts = type.types.map((t) => print(t, indent, depth + 1));
      const bool = parts.includes("true") && parts.includes("false");
      const merged = bool ? ["boolean", ...parts.filter((p) => p !== "true" && p !== "false")] : parts;
      return [...new Set(merged)].map((p) => (p.includes("=>") ? `(${p})` : p)).join(" | ");
    }
    if (type.isIntersection()) return type.types.map((t) => `(${print(t, indent, depth + 1)})`).join(" & ");
    if (checker.isArrayType(type)) {
      const element = print(checker.getTypeArguments(type)[0], indent, depth + 1);
      return /^[\w"]+$/.test(element) ? `${element}[]` : `Array<${element}>`;
    }
    if (checker.isTupleType(type))
      return `[${checker
        .getTypeArguments(type)
        .map((t) => print(t, indent, depth + 1))
        .join(", ")}]`;
    if (f & ts.TypeFlags.Object) {
      if (type.getCallSignatures().length > 0) throw new Error(`a function type in the router's data: ${checker.typeToString(type)}`);
      const inner = `${indent}  `;
      const lines = [];
      for (const info of checker.getIndexInfosOfType(type)) {
        lines.push(`${inner}[key: ${checker.typeToString(info.keyType)}]: ${print(info.type, inner, depth + 1)};`);
      }
      for (const symbol of checker.getPropertiesOfType(type)) {
        const optional = symbol.flags & ts.SymbolFlags.Optional ? "?" : "";
        lines.push(`${inner}${key(symbol.name)}${optional}: ${print(checker.getTypeOfSymbol(symbol), inner, depth + 1)};`);
      }
      return lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n${indent}}`;
    }
    throw new Error(`cannot print ${checker.typeToString(type)}`);
  }

  const kinds = alias("Kinds");
  const inputs = alias("Inputs");
  const outputs = alias("Outputs");
  const groups = checker.getPropertiesOfType(kinds).map((group) => {
    const procedures = checker.getPropertiesOfType(checker.getTypeOfSymbol(group)).map((procedure) => {
      const kind = checker.getTypeOfSymbol(procedure).value;
      const wrapper = kind === "query" ? "TRPCQueryProcedure" : "TRPCMutationProcedure";
      const input = print(prop(prop(inputs, group.name), procedure.name), "      ");
      const output = print(prop(prop(outputs, group.name), procedure.name), "      ");
      return `    ${key(procedure.name)}: ${wrapper}<{\n      input: ${input};\n      output: ${output};\n      meta: object;\n    }>;`;
    });
    return `  ${key(group.name)}: {\n${procedures.join("\n")}\n  };`;
  });
  const text = [
    "// Generated by scripts/pack.mjs from the server's router: every procedure with its input and output types.",
    'import type { TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure } from "@trpc/server";',
    "",
    `export type AppRouter = TRPCBuiltRouter<{ ctx: object; meta: object; errorShape: ${print(alias("ErrorShape"))}; transformer: false }, {`,
    ...groups,
    "}>;",
    "",
  ].join("\n");
  writeFileSync(path.join(dist, "app-router.d.ts"), text);
}

function writeManifest() {
  const catalog = catalogVersions();
  const dependencies = Object.fromEntries(RUNTIME_DEPENDENCIES.map((name) => [name, catalog[name]]));
  for (const [name, version] of Object.entries(dependencies)) if (!version) throw new Error(`${name} has no catalog version`);
  const manifest = {
    name: source.name,
    version,
    description: "Typed client, OCI login helpers and the `ociauth` CLI for the OCI Auth service",
    license: "MIT",
    type: "module",
    engines: JSON.parse(readFileSync(path.join(repoDir, "package.json"), "utf8")).engines,
    exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" }, "./package.json": "./package.json" },
    types: "./dist/index.d.ts",
    bin: { ociauth: "./bin/ociauth.mjs" },
    files: ["dist", "bin", "README.md"],
    dependencies,
  };
  writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(path.join(stage, "bin"), { recursive: true });
  writeFileSync(path.join(stage, "bin", "ociauth.mjs"), '#!/usr/bin/env node\nimport "../dist/cli.js";\n');
  chmodSync(path.join(stage, "bin", "ociauth.mjs"), 0o755);
  copyFileSync(path.join(packageDir, "README.md"), path.join(stage, "README.md"));
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await bundleJs();
emitDeclarations();
writeRouterTypes();
writeManifest();
const before = new Set(readdirSync(outDir));
execFileSync("npm", ["pack", "--silent", "--pack-destination", outDir], { cwd: stage, stdio: ["ignore", "pipe", "inherit"] });
const tarball =
  readdirSync(outDir).find((name) => name.endsWith(".tgz") && !before.has(name)) ?? readdirSync(outDir).find((n) => n.endsWith(".tgz"));
console.log(path.join(outDir, tarball));
