import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPostgresServer } from "@ociauth/db/testing";
import { createTestApiKey, createTestOcid, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { E2E_AUTH_SECRET, startApp, stop } from "./run-app";

const TENANCY = "ocid1.tenancy.oc1..aaaaaaaae2e";

async function seedScenario(url: string) {
  const post = (p: string, body: unknown, token?: string) =>
    fetch(`${url}${p}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const boot = await (
    await post("/api/v1/admin/bootstrap", { email: "e2e@example.com", password: "a-long-password!", organization: "E2E" })
  ).json();
  const token = boot.identity.credentials.token;
  const created = await (
    await post("/api/v1/identities", { name: "e2e", organizationId: boot.organization.id, role: "member" }, token)
  ).json();
  const attach = await post(
    `/api/v1/auth/oci-auth/identities/${created.identity.id}`,
    {
      tenancyOcid: TENANCY,
      allowedUsernames: "<string>".replace(/[<>]/g, ""),
      accessTokenTrustedIps: [{ ipAddress: "0.0.0.0/0" }, { ipAddress: "::/0" }],
      accessTokenTTL: 2592000,
      accessTokenMaxTTL: 2592000,
      accessTokenNumUsesLimit: 0,
    },
    token,
  );
  const again = await post(`/api/v1/auth/oci-auth/identities/${created.identity.id}`, { tenancyOcid: TENANCY }, token);
  const page = await fetch(url);
  return { attach, again, page, token, identityId: created.identity.id as string };
}

describe("pnpm start (production server)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("runs on embedded PGlite: migrates a new data folder, serves the API and the pages, keeps data across restarts", async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "ociauth-e2e-")), "data");
    cleanups.push(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));
    // Without PUBLIC_URL (as on a developer's machine): the listen address, and a warning that says to set it.
    const app = await startApp({ PGLITE_DIR: dataDir, PUBLIC_URL: "" });
    cleanups.push(() => stop(app.child));
    const { attach, again, page, token, identityId } = await seedScenario(app.url);
    expect(attach.status).toBe(200);
    const body = await attach.json();
    expect(body.identityOciAuth).toMatchObject({ identityId, tenancyOcid: TENANCY, allowedUsernames: "string", type: "iam" });
    expect(again.status).toBe(400);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='; /);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(app.output()).toContain("PGlite (embedded)");
    expect(app.output()).toContain(
      `Warning: PUBLIC_URL is not set: principal logins are accepted only when signed for ${app.url} (the listen address`,
    );
    const openapi = await fetch(`${app.url}/api/docs/json`);
    expect(openapi.status).toBe(200);
    expect((await openapi.json()).openapi).toBe("3.1.0");
    const reference = await fetch(`${app.url}/api-docs`);
    expect(reference.status).toBe(200);
    expect(await reference.text()).toContain('src="/vendor/api-reference.js"');
    const renderer = await fetch(`${app.url}/vendor/api-reference.js`);
    expect(renderer.status).toBe(200);
    expect(renderer.headers.get("content-type")).toMatch(/javascript/);
    expect(await renderer.text()).toContain("Scalar.createApiReference");

    await stop(app.child);
    const restarted = await startApp({ PGLITE_DIR: dataDir });
    cleanups.push(() => stop(restarted.child));
    const got = await fetch(`${restarted.url}/api/v1/auth/oci-auth/identities/${identityId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(got.status).toBe(200);
    expect((await got.json()).identityOciAuth.id).toBe(body.identityOciAuth.id);

    // A second server on the same folder would split the data: it refuses to start, naming the holder.
    const refused = await startApp({ PGLITE_DIR: dataDir }).then(
      async (second) => {
        await stop(second.child);
        return "started";
      },
      (error: Error) => error.message,
    );
    expect(refused).toContain(`The embedded database in ${dataDir} is already open in another process`);
    expect(refused).toContain("The server was not started");
    const still = await fetch(`${restarted.url}/api/v1/auth/oci-auth/identities/${identityId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(still.status).toBe(200);
  });

  it("runs on PostgreSQL with DATABASE_URL", async () => {
    const server = await startPostgresServer();
    cleanups.push(() => server.stop());
    const url = await server.createDatabase("e2e");
    const app = await startApp({ DATABASE_URL: url, AUTH_SECRET: E2E_AUTH_SECRET });
    cleanups.push(() => stop(app.child));
    const { attach, again } = await seedScenario(app.url);
    expect(attach.status).toBe(200);
    expect(again.status).toBe(400);
    expect(app.output()).toContain("PostgreSQL at 127.0.0.1");

    // One module graph: the pages (rendered by Next) and the API use the same Runtime. Each Runtime
    // holds one change-feed connection, so after both served requests the process has exactly one.
    expect((await fetch(`${app.url}/login`)).status).toBe(200); // the page asks the API's services whether the instance is set up
    expect((await fetch(`${app.url}/api/v1/identities`)).status).toBe(401);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ feeds: number }>(
        "SELECT count(*)::int AS feeds FROM pg_stat_activity WHERE application_name = 'ociauth-change-feed' AND datname = current_database()",
      );
      expect(rows[0]?.feeds).toBe(1);
    } finally {
      await client.end();
    }
  });

  it("logs a workload in through the OCI stand-in and enforces trusted IPs on the socket address", async () => {
    const tenancyOcid = createTestOcid("tenancy");
    const userOcid = createTestOcid("user");
    const key = createTestApiKey();
    const oci = await startOciStandIn({
      users: [{ id: userOcid, compartmentId: tenancyOcid, name: "deployer", publicKeys: [key.publicKeyPem] }],
    });
    cleanups.push(() => oci.close());
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "ociauth-e2e-")), "data");
    cleanups.push(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));
    const app = await startApp({ PGLITE_DIR: dataDir, OCI_IDENTITY_ENDPOINT: oci.url });
    cleanups.push(() => stop(app.child));

    const call = async (method: string, p: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${app.url}${p}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const boot = await call("POST", "/api/v1/admin/bootstrap", {
      email: "e2e@example.com",
      password: "a-long-password!",
      organization: "E2E",
    });
    const admin = boot.body.identity.credentials.token;
    const open = (
      await call("POST", "/api/v1/identities", { name: "open", organizationId: boot.body.organization.id, role: "member" }, admin)
    ).body.identity.id;
    const fenced = (
      await call("POST", "/api/v1/identities", { name: "fenced", organizationId: boot.body.organization.id, role: "member" }, admin)
    ).body.identity.id;
    expect(
      (await call("POST", `/api/v1/auth/oci-auth/identities/${open}`, { tenancyOcid, allowedUsernames: "deployer" }, admin)).status,
    ).toBe(200);
    expect(
      (
        await call(
          "POST",
          `/api/v1/auth/oci-auth/identities/${fenced}`,
          { tenancyOcid, accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }] },
          admin,
        )
      ).status,
    ).toBe(200);

    // Each signed header set logs in once and one key signs identically within a second: one second per login.
    let signedSecond = 0;
    const login = async (identityId: string) => {
      signedSecond = Math.max(Math.floor(Date.now() / 1000), signedSecond + 1);
      const date = new Date(signedSecond * 1000);
      const headers = await signGetUserWithOciCommon({
        tenancyOcid,
        userOcid,
        fingerprint: key.fingerprint,
        privateKeyPem: key.privateKeyPem,
        date,
      });
      return call("POST", "/api/v1/auth/oci-auth/login", { identityId, userOcid, headers });
    };
    const openLogin = await login(open);
    expect(openLogin.status).toBe(200);
    expect(oci.requests.at(-1)).toMatchObject({ url: `/20160918/users/${userOcid}`, status: 200 });
    const read = await call("GET", `/api/v1/auth/oci-auth/identities/${open}`, undefined, openLogin.body.accessToken);
    expect(read.status).toBe(200);
    expect(read.body.identityOciAuth.allowedUsernames).toBe("deployer");

    const fencedLogin = await login(fenced);
    expect(fencedLogin.status).toBe(200);
    const direct = await call("GET", `/api/v1/auth/oci-auth/identities/${fenced}`, undefined, fencedLogin.body.accessToken);
    expect(direct.status).toBe(403);
    expect(direct.body.message).toMatch(
      /^You are not allowed to access this resource from the current IP address \(the server saw 127\.0\.0\.1\)\. .*TRUSTED_PROXIES/,
    );
    const spoofed = await call("GET", `/api/v1/auth/oci-auth/identities/${fenced}`, undefined, fencedLogin.body.accessToken, {
      "x-forwarded-for": "10.1.2.3",
    });
    expect(spoofed.status).toBe(403);
  });
});
