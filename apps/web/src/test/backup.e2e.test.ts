import { spawn } from "node:child_process";
import { existsSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { createTestOcid } from "@ociauth/oci-stand-in";
import { type PostgresServer, startPostgresServer } from "@ociauth/db/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { appDir, E2E_AUTH_SECRET, stop, tempDataDir } from "./run-app";
import { startServerProcess } from "./server-process";
import { callRestApi } from "./rest-api";

/**
 * Backup and restore on the built app (`node scripts/backup.mjs` / `restore.mjs`, what
 * `pnpm db:backup` / `db:restore` run), on each database: a server is given an identity with OCI
 * auth and Token Auth, tokens (one revoked) and the audit events of all that; the backup is taken,
 * the database wiped and restored, and a server started on it again finds everything: the
 * identity, its configuration, every audit event, and the tokens issued before the backup (the
 * live one authenticates, the revoked one does not).
 */

const ADMIN = { email: "owner@example.com", password: "a-long-owner-password" };
const TENANCY = createTestOcid("tenancy");

function runScript(script: "backup" | "restore", args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [`scripts/${script}.mjs`, ...args], {
    cwd: appDir,
    env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: "", AUTH_SECRET: "", INIT_CWD: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise<{ code: number | null; output: string }>((resolve) => child.once("close", (code) => resolve({ code, output })));
}

const api = callRestApi;

interface Seeded {
  adminToken: string;
  orgId: string;
  identityId: string;
  liveToken: string;
  revokedToken: string;
  identity: unknown;
  ociAuth: unknown;
  auditIds: string[];
}

const auditIds = async (url: string, s: { adminToken: string; orgId: string }) => {
  const listed = await api(url, "GET", `/api/v1/audit-logs?organizationId=${s.orgId}&limit=100`, s.adminToken);
  expect(listed.status).toBe(200);
  return (listed.body.events as { id: string }[]).map((e) => e.id);
};

/** Bootstrap, an identity with OCI auth and Token Auth, two tokens (one revoked): what a backup must bring back. */
async function seed(url: string): Promise<Seeded> {
  const boot = await api(url, "POST", "/api/v1/admin/bootstrap", undefined, { ...ADMIN, organization: "Acme" });
  expect(boot.status).toBe(200);
  const adminToken = boot.body.identity.credentials.token as string;
  const orgId = boot.body.organization.id as string;
  const created = await api(url, "POST", "/api/v1/identities", adminToken, { name: "ci-runner", organizationId: orgId, role: "admin" });
  expect(created.status).toBe(200);
  const identityId = created.body.identity.id as string;
  expect((await api(url, "POST", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken, { tenancyOcid: TENANCY })).status).toBe(200);
  expect((await api(url, "PATCH", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken, { accessTokenTTL: 3600 })).status).toBe(
    200,
  );
  const ociAuth = (await api(url, "GET", `/api/v1/auth/oci-auth/identities/${identityId}`, adminToken)).body;
  expect(ociAuth.identityOciAuth.tenancyOcid).toBe(TENANCY);
  expect((await api(url, "POST", `/api/v1/auth/token-auth/identities/${identityId}`, adminToken, {})).status).toBe(200);
  const issue = async (name: string) => {
    const issued = await api(url, "POST", `/api/v1/auth/token-auth/identities/${identityId}/tokens`, adminToken, { name });
    expect(issued.status).toBe(200);
    return { token: issued.body.accessToken as string, id: issued.body.tokenData.id as string };
  };
  const live = await issue("kept");
  const revoked = await issue("revoked");
  expect((await api(url, "POST", `/api/v1/auth/token-auth/tokens/${revoked.id}/revoke`, adminToken, {})).status).toBe(200);
  expect((await listWith(url, live.token, orgId)).status).toBe(200);
  expect((await listWith(url, revoked.token, orgId)).status).toBe(401);
  const identity = (await api(url, "GET", `/api/v1/identities/${identityId}`, adminToken)).body;
  expect(JSON.stringify(identity)).toContain("ci-runner");
  const seeded = {
    adminToken,
    orgId,
    identityId,
    liveToken: live.token,
    revokedToken: revoked.token,
    identity,
    ociAuth,
    auditIds: [] as string[],
  };
  // Audit events are written in batches: wait for those of the revocation, the last change made.
  await expect.poll(async () => (await auditIds(url, seeded)).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
  return seeded;
}

const listWith = (url: string, token: string, orgId: string) => api(url, "GET", `/api/v1/identities?organizationId=${orgId}`, token);

/** What the restored server must show: everything seeded, the tokens issued before the backup as they were. */
async function expectRestored(url: string, seeded: Seeded) {
  expect((await api(url, "GET", `/api/v1/identities/${seeded.identityId}`, seeded.adminToken)).body).toEqual(seeded.identity);
  expect((await api(url, "GET", `/api/v1/auth/oci-auth/identities/${seeded.identityId}`, seeded.adminToken)).body).toEqual(seeded.ociAuth);
  expect((await api(url, "GET", `/api/v1/auth/token-auth/identities/${seeded.identityId}`, seeded.adminToken)).status).toBe(200);
  expect(await auditIds(url, seeded)).toEqual(expect.arrayContaining(seeded.auditIds));
  // Signed before the backup with a key wrapped under the root secret: it still verifies; the revocation is kept.
  expect((await listWith(url, seeded.liveToken, seeded.orgId)).status).toBe(200);
  expect((await listWith(url, seeded.revokedToken, seeded.orgId)).status).toBe(401);
}

describe("backup and restore", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("PGlite: refused while the server runs; stopped, backed up, wiped and restored, everything is back", async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const env = { PGLITE_DIR: data.dir };
    const backupFile = path.join(path.dirname(data.dir), "ociauth-backup.tar");
    const secretFile = `${data.dir}.auth-secret`;

    const app = await startServerProcess(env);
    cleanups.push(() => stop(app.child));
    const seeded = await seed(app.url);

    const refused = await runScript("backup", [backupFile], env);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/Stop the server first: the embedded database in .* is in use by pid \d+/);
    expect(refused.output).toContain(data.dir);
    expect(refused.output).toContain("No backup was written.");
    expect(existsSync(backupFile)).toBe(false);

    seeded.auditIds = await auditIds(app.url, seeded);
    await stop(app.child);
    const backup = await runScript("backup", [backupFile], env);
    expect(backup.output).toMatch(/Backup written: .*ociauth-backup\.tar \([\d.]+ [KM]iB, mode 0600\) in [\d.]+ s/);
    expect(backup.code).toBe(0);
    expect(backup.output).toContain("pglite-data.tar.gz");
    expect(backup.output).toContain("auth-secret");
    expect(backup.output).toMatch(/identities 2, .*identity_token_auths 1/);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);

    // Wiped: the folder and the generated root secret file, without which the keys could not be unwrapped.
    rmSync(data.dir, { recursive: true });
    rmSync(secretFile);
    const restore = await runScript("restore", [backupFile], env);
    expect(restore.output).toContain("the row counts match the backup's");
    expect(restore.code).toBe(0);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    // A second restore onto the restored folder is refused without --force.
    const again = await runScript("restore", [backupFile], env);
    expect(again.code).toBe(1);
    expect(again.output).toContain(`${data.dir} already holds a database`);

    const restored = await startServerProcess(env);
    cleanups.push(() => stop(restored.child));
    await expectRestored(restored.url, seeded);
    await stop(restored.child);
  });

  it("PostgreSQL: backed up while the server runs, database dropped and created again, restored, everything is back", async () => {
    const postgres: PostgresServer = await startPostgresServer();
    cleanups.push(() => postgres.stop());
    const databaseUrl = await postgres.createDatabase();
    const env = { DATABASE_URL: databaseUrl, AUTH_SECRET: E2E_AUTH_SECRET };
    const folder = tempDataDir();
    cleanups.push(folder.remove);
    const backupFile = path.join(path.dirname(folder.dir), "ociauth-backup.tar");

    const app = await startServerProcess(env);
    cleanups.push(() => stop(app.child));
    const seeded = await seed(app.url);
    seeded.auditIds = await auditIds(app.url, seeded);
    // pg_dump reads one snapshot: the server keeps running.
    const backup = await runScript("backup", [backupFile], env);
    expect(backup.output).toContain("postgres.pgdump");
    expect(backup.output).toContain("on PostgreSQL the root secret (AUTH_SECRET) is not in the backup");
    expect(backup.code).toBe(0);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    await stop(app.child);

    const name = new URL(databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`DROP DATABASE "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();

    const restore = await runScript("restore", [backupFile], env);
    expect(restore.output).toContain("the row counts match the backup's");
    expect(restore.code).toBe(0);
    const again = await runScript("restore", [backupFile], env);
    expect(again.code).toBe(1);
    expect(again.output).toContain("is not empty");
    const forced = await runScript("restore", [backupFile, "--force"], env);
    expect(forced.output).toContain("the row counts match the backup's");
    expect(forced.code).toBe(0);

    const restored = await startServerProcess(env);
    cleanups.push(() => stop(restored.child));
    await expectRestored(restored.url, seeded);
    await stop(restored.child);
  });
});
