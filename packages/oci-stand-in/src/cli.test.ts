import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli-args.js";
import { InstancePrincipalsAuthenticationDetailsProviderBuilder, SimpleAuthenticationDetailsProvider } from "oci-common";
import {
  createTestApiKey,
  createTestOcid,
  httpGetRaw,
  httpRequestRaw,
  resourcePrincipalProvider,
  signAuthenticateClient,
  signGetUserWithOciCommon,
  signInnerRequest,
} from "./index.js";
import { loadFunctionsFile, loadInstancesFile } from "./principals-file.js";
import { loadUsersFile } from "./users-file.js";

const packageDir = join(import.meta.dirname, "..");
const tempDirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "oci-stand-in-"));
  tempDirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: packageDir });
  children.push(child);
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    // Starting through tsx takes seconds on a loaded machine: a generous deadline, not a count.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const match = pattern.exec(stdout);
      if (match) return match;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`CLI output did not match ${pattern}:\n${stdout}`);
  };
  return { child, exited, waitFor, output: () => stdout };
}

describe("parseCliArgs", () => {
  it("has the documented defaults and tolerates pnpm's -- separator", () => {
    expect(parseCliArgs([])).toEqual({
      help: false,
      port: 9999,
      host: "127.0.0.1",
      usersFile: undefined,
      instancesFile: undefined,
      functionsFile: undefined,
      out: "./.data/oci-stand-in",
      clockSkewSeconds: 300,
      tokenLifetimeSeconds: 1200,
      rpstLifetimeSeconds: 86400,
      responseDelayMs: 0,
    });
    expect(parseCliArgs(["--", "--port", "0", "--users", "u.json"])).toMatchObject({ port: 0, usersFile: "u.json" });
  });

  it("rejects bad values", () => {
    expect(() => parseCliArgs(["--port", "http"])).toThrow(/--port must be an integer/);
    expect(() => parseCliArgs(["--nope"])).toThrow();
    expect(() => parseCliArgs(["--token-lifetime", "5"])).toThrow(/--token-lifetime must be an integer from 60/);
    expect(() => parseCliArgs(["--response-delay=-1"])).toThrow(/--response-delay must be an integer from 0 to 600000/);
    expect(() => parseCliArgs(["--response-delay", "1.5"])).toThrow(/--response-delay must be an integer/);
    expect(parseCliArgs(["--response-delay", "3000"]).responseDelayMs).toBe(3000);
  });
});

describe("loadUsersFile", () => {
  it("reads users with inline keys and key files relative to the users file", () => {
    const dir = tempDir();
    const [a, b] = [createTestApiKey(), createTestApiKey()];
    writeFileSync(join(dir, "b.pem"), b.publicKeyPem);
    writeFileSync(
      join(dir, "users.json"),
      JSON.stringify([
        { id: "ocid1.user.oc1..a", compartmentId: "ocid1.tenancy.oc1..t", name: "a", publicKeys: [a.publicKeyPem] },
        { id: "ocid1.user.oc1..b", compartmentId: "ocid1.tenancy.oc1..t", name: "b", lifecycleState: "INACTIVE", publicKeyPath: "b.pem" },
      ]),
    );
    const users = loadUsersFile(join(dir, "users.json"));
    expect(users.map((u) => [u.id, u.lifecycleState, u.publicKeys])).toEqual([
      ["ocid1.user.oc1..a", undefined, [a.publicKeyPem]],
      ["ocid1.user.oc1..b", "INACTIVE", [b.publicKeyPem]],
    ]);
  });

  it("explains what is wrong with an entry", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "users.json"), JSON.stringify([{ id: "x", compartmentId: "t", name: "n" }]));
    expect(() => loadUsersFile(join(dir, "users.json"))).toThrow(/users\.json\[0\]: needs publicKeys or publicKeyPath/);
  });
});

describe("cli", () => {
  it("prints usage for --help", async () => {
    const cli = runCli(["--help"]);
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/^Usage: pnpm --filter @ociauth\/oci-stand-in start -- \[options\]/);
  });

  it("creates a demo tenancy, serves it, logs requests, reuses it and stops on SIGTERM", async () => {
    const out = tempDir();
    const cli = runCli(["--port", "0", "--out", out]);
    const [, url] = await cli.waitFor(/OCI_IDENTITY_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+)/);
    const [, tenancyOcid, userOcid, userName, fingerprint, keyPath] = await cli.waitFor(
      /tenancy OCID: +(\S+)\n +user OCID: +(\S+)\n +user name: +(\S+)\n +fingerprint: +(\S+)\n +private key: +(\S+)/,
    );
    expect(cli.output()).toContain(`(created in ${out})`);
    expect(keyPath).toBe(join(out, "demo-api-key.pem"));

    const headers = await signGetUserWithOciCommon({
      tenancyOcid: tenancyOcid!,
      userOcid: userOcid!,
      fingerprint: fingerprint!,
      privateKeyPem: readFileSync(keyPath!, "utf8"),
    });
    const res = await httpGetRaw(`${url}/20160918/users/${userOcid}`, headers);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: userOcid, compartmentId: tenancyOcid, name: userName });
    const other = createTestOcid("user");
    expect((await httpGetRaw(`${url}/20160918/users/${other}`, {})).status).toBe(401);
    await cli.waitFor(new RegExp(`GET /20160918/users/${other} 401 NotAuthenticated: missing Authorization header`));
    expect(cli.output()).toContain(`[oci-stand-in] GET /20160918/users/${userOcid} 200`);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);

    const again = runCli(["--port", "0", "--out", out]);
    await again.waitFor(/private key:/);
    expect(again.output()).toContain(`(reused from ${out})`);
    expect(again.output()).toContain(`tenancy OCID:     ${tenancyOcid}`);
    again.child.kill("SIGINT");
    expect(await again.exited).toBe(0);
  });
});

describe("cli --response-delay", () => {
  it("holds every answer that long and says so at start", async () => {
    const cli = runCli(["--port", "0", "--out", tempDir(), "--response-delay", "600"]);
    const [, url] = await cli.waitFor(/OCI_IDENTITY_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+)/);
    await cli.waitFor(/Every answer is held 600 ms \(--response-delay\)\./);
    const started = performance.now();
    expect((await httpGetRaw(`${url}/20160918/users/${createTestOcid("user")}`, {})).status).toBe(401);
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });
});

describe("cli instances and functions", () => {
  it("serves the demo instance to oci-common's builder and writes the demo function's resource principal env", async () => {
    const out = tempDir();
    const cli = runCli(["--port", "0", "--out", out]);
    const [, url] = await cli.waitFor(/OCI_IDENTITY_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+)/);
    const [, tenancyOcid, userOcid, , fingerprint, keyPath] = await cli.waitFor(
      /tenancy OCID: +(\S+)\n +user OCID: +(\S+)\n +user name: +(\S+)\n +fingerprint: +(\S+)\n +private key: +(\S+)/,
    );
    const [, instanceOcid] = await cli.waitFor(/demo-instance +(ocid1\.instance\.\S+)/);
    const [, envFile] = await cli.waitFor(/env: (\S+resource-principal\.env)/);

    const builder = new InstancePrincipalsAuthenticationDetailsProviderBuilder();
    builder.metadataBaseUrl = `${url}/opc/v2/`;
    builder.federationEndpoint = url!;
    const instanceProvider = await builder.build();
    const token = (await instanceProvider.getKeyId()).slice(3);
    expect(JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString())).toMatchObject({
      ptype: "instance",
      sub: instanceOcid,
      tenant: tenancyOcid,
    });

    const env = Object.fromEntries(
      [...readFileSync(envFile!, "utf8").matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]),
    );
    expect(env).toMatchObject({ OCI_RESOURCE_PRINCIPAL_VERSION: "2.2", OCI_RESOURCE_PRINCIPAL_REGION: "us-ashburn-1" });
    const inner = await signInnerRequest(resourcePrincipalProvider(env), { method: "GET", uri: "https://app.example.com/login" });
    const outer = new SimpleAuthenticationDetailsProvider(tenancyOcid!, userOcid!, fingerprint!, readFileSync(keyPath!, "utf8"), null);
    const signed = await signAuthenticateClient(outer, url!, inner);
    const res = await httpRequestRaw("POST", signed.url, signed.headers, signed.body);
    expect(JSON.parse(res.body)).toMatchObject({ success: true, principal: { tenantId: tenancyOcid } });
    expect(JSON.parse(res.body).principal.claims).toContainEqual({ key: "ptype", value: "resource", issuer: "authService.oracle.com" });
    await cli.waitFor(/POST \/v1\/authentication\/authenticateClient 200/);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
  });

  it("reads instances and functions files and explains a bad entry", () => {
    const dir = tempDir();
    const instance = { id: "ocid1.instance.oc1.iad.a", compartmentId: "c", tenancyId: "t", region: "us-ashburn-1" };
    writeFileSync(join(dir, "instances.json"), JSON.stringify([instance]));
    expect(loadInstancesFile(join(dir, "instances.json"))).toEqual([{ ...instance, displayName: undefined }]);
    writeFileSync(join(dir, "functions.json"), JSON.stringify([{ id: "ocid1.fnfunc.oc1.iad.f", compartmentId: "c", tenancyId: "t" }]));
    expect(() => loadFunctionsFile(join(dir, "functions.json"))).toThrow(/functions\.json\[0\]\.region: expected a non-empty string/);
  });
});
