import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, type PostgresServer, startPostgresServer } from "@ociauth/db/testing";
import { createTestApiKey, createTestOcid, signGetUserWithOciCommon, startOciStandIn, type OciStandIn } from "@ociauth/oci-stand-in";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseImage, buildah, buildImage, imageConfig, imageSizeBytes, type ImageConfig, repoRoot } from "./image/container-image";
import { commandPid, type Container, runContainer } from "./image/run-container";
import { callRestApi } from "./rest-api";

/**
 * `pnpm test:image`: deploy/Dockerfile built with buildah, then run as its user (uid 1000) on a
 * read-only root file system, on the embedded database (a volume) and on PostgreSQL: ready,
 * bootstrap, an OCI login against the stand-in, metrics, and a clean exit on SIGTERM.
 */
let TAG = "localhost/ociauth:test";
const MAX_IMAGE_BYTES = 300e6;
const TENANCY = "ocid1.tenancy.oc1..aaaaaaaaimage";
const METRICS_TOKEN = "image-test-metrics-token-with-32-characters";
const REVISION = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot }).toString().trim();

let config: ImageConfig;
let base = "a prebuilt image";
let postgres: PostgresServer;
let oci: OciStandIn;
const user = { ocid: createTestOcid("user"), key: createTestApiKey() };

beforeAll(async () => {
  // OCIAUTH_TEST_IMAGE=<tag>: run the checks on an image built before (while working on them).
  if (process.env.OCIAUTH_TEST_IMAGE) {
    TAG = process.env.OCIAUTH_TEST_IMAGE;
    config = imageConfig(TAG);
  } else {
    const from = baseImage();
    base = from.fallback ? "the test fallback base" : "the official base";
    // This machine reaches the npm registry through a TLS-intercepting proxy whose CA Node.js is
    // told about (NODE_EXTRA_CA_CERTS): the build gets it as a secret, as a corporate build would.
    const ca = process.env.NODE_EXTRA_CA_CERTS;
    await buildImage(
      TAG,
      { NODE_IMAGE: from.image, VERSION: "0.0.0-test", REVISION, SOURCE: "https://example.com/ociauth.git" },
      ca && existsSync(ca) ? { "ca-certificates": ca } : {},
    );
    config = imageConfig(TAG);
  }
  postgres = await startPostgresServer();
  oci = await startOciStandIn({
    users: [{ id: user.ocid, compartmentId: TENANCY, name: "image-svc", publicKeys: [user.key.publicKeyPem] }],
  });
}, 1_500_000);

afterAll(async () => {
  await oci?.close();
  await postgres?.stop();
});

describe("the image", () => {
  it(`is at most ${MAX_IMAGE_BYTES / 1e6} MB`, () => {
    const size = imageSizeBytes(TAG);
    console.log(`[image] size: ${(size / 1e6).toFixed(0)} MB (on ${base})`);
    expect(size).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
  });

  it("carries its version, revision and source as OCI labels, and the same version for the server", () => {
    expect(config.Labels["org.opencontainers.image.version"]).toBe("0.0.0-test");
    expect(config.Labels["org.opencontainers.image.revision"]).toBe(REVISION);
    expect(config.Labels["org.opencontainers.image.source"]).toBe("https://example.com/ociauth.git");
    expect(config.Env).toContain("OCIAUTH_VERSION=0.0.0-test");
    expect(config.Env).toContain(`OCIAUTH_REVISION=${REVISION}`);
  });

  it("runs as uid 1000, keeps the embedded database on a volume, and has a health check in the docker format", () => {
    expect(config.User).toBe("1000:1000");
    expect(Object.keys(config.Volumes ?? {})).toEqual(["/data"]);
    expect(config.Env).toContain("PGLITE_DIR=/data/pglite");
    expect(config.Healthcheck?.Test.join(" ")).toContain("/readyz");
    expect(config.Cmd).toEqual(["node", "apps/web/server.mjs"]);
  });

  it("ships no compilers, TypeScript, bundlers or dev dependencies", () => {
    const name = `ociauth-inspect-${process.pid}`;
    buildah(["from", "--name", name, "--pull-never", TAG]);
    try {
      const root = buildah(["mount", name]).trim();
      const store = readdirSync(path.join(root, "app/node_modules/.pnpm"));
      for (const unwanted of [
        "typescript@",
        "@next+swc",
        "esbuild@",
        "@esbuild+",
        "vitest@",
        "eslint@",
        "tsx@",
        "rolldown",
        "@scalar+api-reference",
        "sharp@",
      ]) {
        expect(
          store.filter((dir) => dir.startsWith(unwanted)),
          unwanted,
        ).toEqual([]);
      }
      for (const compiler of ["usr/bin/gcc", "usr/bin/g++", "usr/bin/cc", "usr/bin/make", "usr/local/bin/pnpm"]) {
        expect(existsSync(path.join(root, compiler)), compiler).toBe(false);
      }
      expect(statSync(path.join(root, "data")).uid).toBe(1000);
      // The build's CA secret (a TLS-intercepting proxy's) stays out of the image.
      expect(existsSync(path.join(root, "run/secrets/ca-certificates"))).toBe(false);
      expect(config.Env.filter((e) => /CA_CERTS|cafile/i.test(e))).toEqual([]);
    } finally {
      buildah(["rm", name]);
    }
  });
});

/** Starts the image's command in a container and waits until /readyz answers 200. */
async function startContainer(env: Record<string, string>, volume?: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const container = runContainer(TAG, config, {
    volume,
    env: {
      PORT: String(port),
      PUBLIC_URL: url,
      OCI_IDENTITY_ENDPOINT: oci.url,
      METRICS: "on",
      METRICS_TOKEN,
      RATE_LIMIT: "off",
      ...env,
    },
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const exit = await Promise.race([container.exited, new Promise((r) => setTimeout(r, 250, null))]);
    if (exit) throw new Error(`the container exited before it was ready (${JSON.stringify(exit)}):\n${container.output()}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the container did not become ready:\n${container.output()}`);
  }
  return { container, url };
}

const api = (url: string, method: string, route: string, body?: unknown, token?: string) => callRestApi(url, method, route, token, body);

/** Bootstrap, an identity with OCI auth, a signed login, /metrics and /api/status, then SIGTERM. */
async function exercise({ container, url }: { container: Container; url: string }) {
  const boot = await api(url, "POST", "/api/v1/admin/bootstrap", {
    email: "ops@example.com",
    password: "a-long-password!",
    organization: "Image",
  });
  expect(boot.status, JSON.stringify(boot.body)).toBe(200);
  const admin: string = boot.body.identity.credentials.token;
  const created = await api(
    url,
    "POST",
    "/api/v1/identities",
    { name: "image-workload", organizationId: boot.body.organization.id },
    admin,
  );
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const identityId: string = created.body.identity.id;
  const attached = await api(url, "POST", `/api/v1/auth/oci-auth/identities/${identityId}`, { tenancyOcid: TENANCY }, admin);
  expect(attached.status, JSON.stringify(attached.body)).toBe(200);
  const headers = await signGetUserWithOciCommon({
    tenancyOcid: TENANCY,
    userOcid: user.ocid,
    fingerprint: user.key.fingerprint,
    privateKeyPem: user.key.privateKeyPem,
  });
  const login = await api(url, "POST", "/api/v1/auth/oci-auth/login", { identityId, userOcid: user.ocid, headers });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  expect(login.body.accessToken).toMatch(/^ey/);

  const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toMatch(/^ociauth_/m);
  const page = await fetch(`${url}/login`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("<html");

  const pid = commandPid(container);
  process.kill(pid, "SIGTERM");
  const exit = await container.exited;
  expect(exit, container.output()).toEqual({ code: 0, signal: null });
  expect(container.output()).not.toMatch(/EROFS|read-only file system|Error:/);
}

describe("the image running read-only as uid 1000", () => {
  it("serves on the embedded database kept on its volume, and stops cleanly on SIGTERM", async () => {
    const volume = mkdtempSync(path.join(os.tmpdir(), "ociauth-volume-"));
    try {
      const first = await startContainer({}, volume);
      try {
        await exercise(first);
      } finally {
        first.container.remove();
      }
      // The database and its generated root secret are on the volume, owned by uid 1000.
      expect(statSync(path.join(volume, "pglite")).uid).toBe(1000);
      expect(statSync(path.join(volume, "pglite.auth-secret")).mode & 0o777).toBe(0o600);
      // A new container on the same volume finds the data: the service is bootstrapped already.
      const second = await startContainer({}, volume);
      try {
        const again = await api(second.url, "POST", "/api/v1/admin/bootstrap", {
          email: "other@example.com",
          password: "a-long-password!",
          organization: "Again",
        });
        expect(again.status).toBe(400);
        process.kill(commandPid(second.container), "SIGTERM");
        expect(await second.container.exited).toEqual({ code: 0, signal: null });
      } finally {
        second.container.remove();
      }
    } finally {
      rmSync(volume, { recursive: true, force: true });
    }
  }, 300_000);

  it("serves on PostgreSQL (DATABASE_URL) and stops cleanly on SIGTERM", async () => {
    const databaseUrl = await postgres.createDatabase("image");
    const started = await startContainer({ DATABASE_URL: databaseUrl, AUTH_SECRET: "image-test-root-secret-with-32-characters!" });
    try {
      await exercise(started);
    } finally {
      started.container.remove();
    }
  }, 300_000);

  it("refuses to write outside its volume and /tmp", async () => {
    const probe = runContainer(TAG, config, {
      command: ["node", "-e", "try{require('fs').writeFileSync('/app/x','x');console.log('wrote')}catch(e){console.log(e.code)}"],
    });
    await probe.exited;
    probe.remove();
    expect(probe.output().trim()).toBe("EROFS");
  });
});
