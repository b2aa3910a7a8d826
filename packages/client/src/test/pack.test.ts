import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "./fixture";

const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);
const tsc = path.join(path.dirname(require.resolve("typescript/package.json")), "bin", "tsc");
const typesNode = path.join(path.dirname(require.resolve("@types/node/package.json")), "..");

/**
 * The package as someone outside this repository gets it: `npm pack` (scripts/pack.mjs), the
 * tarball installed with npm into a scratch project under a temp dir, imported as ESM, its types
 * checked by tsc (NodeNext resolution), and its `ociauth` bin run.
 */
describe("@ociauth/client installs and works outside the repository", () => {
  let work: string;
  let tarball: string;
  let project: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), "ociauth-pack-"));
    const { stdout } = await run(process.execPath, [path.join(packageDir, "scripts/pack.mjs"), path.join(work, "out")], {
      cwd: packageDir,
    });
    tarball = stdout.trim().split("\n").at(-1)!;
    project = path.join(work, "consumer");
    mkdirSync(project);
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { "@ociauth/client": `file:${tarball}` } }),
    );
    // The cache first: after one run nothing is downloaded again.
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], {
      cwd: project,
      timeout: 240_000,
    });
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("ships compiled ESM and declarations, no TypeScript sources, no workspace dependencies", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout.trim().split("\n");
    expect(files).toEqual(
      expect.arrayContaining([
        "package/package.json",
        "package/bin/ociauth.mjs",
        "package/dist/index.js",
        "package/dist/cli.js",
        "package/dist/index.d.ts",
        "package/dist/app-router.d.ts",
      ]),
    );
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(project, "node_modules/@ociauth/client/package.json"), "utf8"));
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", import: "./dist/index.js" });
    expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:|@ociauth\/(api|schema|db)/);
    const declarations = files
      .filter((file) => file.endsWith(".d.ts"))
      .map((file) => readFileSync(path.join(project, "node_modules/@ociauth/client", file.slice("package/".length)), "utf8"));
    expect(declarations.join("\n")).not.toMatch(/@ociauth\//);
  });

  it("imports as ESM and calls a running server through the typed client", async () => {
    writeFileSync(
      path.join(project, "call.mjs"),
      [
        'import { createOciAuthClient, OciAuthError, loginWithOci } from "@ociauth/client";',
        "const client = createOciAuthClient({ url: process.argv[2] });",
        "const pong = await client.health.ping.query();",
        "const refused = await client.identities.list.query({}).catch((error) => error);",
        "console.log(JSON.stringify({ pong, loginWithOci: typeof loginWithOci, refused: refused instanceof OciAuthError ? refused.status : String(refused) }));",
      ].join("\n"),
    );
    const { stdout } = await run(process.execPath, ["call.mjs", fixture().url], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ pong: { ok: true }, loginWithOci: "function", refused: 401 });
  });

  it("type-checks a consumer's TypeScript against the shipped declarations (a misspelt field is an error)", async () => {
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [typesNode],
        },
        files: ["consumer.ts"],
      }),
    );
    const good = [
      'import { createOciAuthClient, OciAuthError, type OciAuthClient } from "@ociauth/client";',
      "const client: OciAuthClient = createOciAuthClient({ url: 'http://localhost:3000', token: 't' });",
      "export async function attach(identityId: string): Promise<number> {",
      "  const { identityOciAuth } = await client.ociAuth.attach.mutate({ identityId, tenancyOcid: 'ocid1.tenancy.oc1..a', accessTokenTTL: 60 });",
      "  const ttl: number = identityOciAuth.accessTokenTTL;",
      "  const { identities } = await client.identities.list.query({ limit: 10 });",
      "  const names: string[] = identities.map((identity) => identity.name);",
      "  // @ts-expect-error the field is tenancyOcid",
      "  await client.ociAuth.update.mutate({ identityId, tenancyOCID: 'x' });",
      "  if (names.length === 0) throw new OciAuthError(404, 'NotFound', 'none');",
      "  return ttl;",
      "}",
    ].join("\n");
    writeFileSync(path.join(project, "consumer.ts"), good);
    await expect(run(process.execPath, [tsc, "-p", "."], { cwd: project })).resolves.toBeDefined();

    // The types are real, not `any`: a wrong output type is reported.
    writeFileSync(path.join(project, "consumer.ts"), good.replace("const ttl: number", "const ttl: string"));
    const failed = await run(process.execPath, [tsc, "-p", "."], { cwd: project }).then(
      () => "",
      (error: { stdout: string }) => error.stdout,
    );
    expect(failed).toMatch(/consumer\.ts\(5,\d+\): error TS2322/);
  });

  it("runs the ociauth bin", async () => {
    const { stdout } = await run(path.join(project, "node_modules/.bin/ociauth"), ["--help"], { cwd: project });
    expect(stdout).toMatch(/^ociauth — /);
    expect(stdout).toContain("Usage:");
  });

  it("`ociauth --version`: the version and revision packed (no checkout around it to ask)", async () => {
    const { version } = JSON.parse(readFileSync(path.join(packageDir, "../../package.json"), "utf8")) as { version: string };
    const head = (await run("git", ["rev-parse", "HEAD"], { cwd: packageDir })).stdout.trim();
    const { stdout } = await run(path.join(project, "node_modules/.bin/ociauth"), ["--version"], { cwd: project });
    expect(stdout.trim()).toBe(`ociauth ${version} (revision ${head})`);
    expect(JSON.parse(readFileSync(path.join(project, "node_modules/@ociauth/client/package.json"), "utf8")).version).toBe(version);
  });
});
