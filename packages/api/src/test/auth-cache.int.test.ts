import { type Database, openDatabase } from "@ociauth/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "../core/config";
import { type AuthedContext, createContextInner } from "../core/context";
import { type Runtime, startRuntime } from "../core/runtime";
import { authenticate } from "../services/auth/authenticate";
import { eventually } from "./expect-helpers";
import { createTestApp, type TestApp, TENANCY } from "./harness";

/** Retries until `check` passes: notifications arrive asynchronously (within milliseconds). */
describe("auth cache invalidation across instances", () => {
  let app: TestApp;
  let second: Database | null = null;
  let secondRuntime: Runtime | null = null;
  let adminToken: string;
  let orgId: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    // A second app instance on the same database: its own pool, cache and change feed. (PGlite is
    // single-process, so there the "other writer" is the same database written directly.)
    if (app.database.target.kind === "postgres") {
      second = await openDatabase(app.database.target);
      secondRuntime = await startRuntime(second);
    }
  });
  afterAll(async () => {
    if (second) {
      await secondRuntime?.close();
      await second.close();
    }
    await app.close();
  });

  async function tokenFor(identityId: string) {
    const row = await app.db.identityAccessToken.create({
      data: { identityId, authMethod: "oci-auth", accessTokenTTL: 600, accessTokenMaxTTL: 600, expiresAt: new Date(Date.now() + 600_000) },
    });
    return {
      id: row.id,
      jwt: await app.rt.tokens.sign(
        { authTokenType: "identityAccessToken", identityId, orgId, authMethod: "oci-auth", jti: row.id },
        row.expiresAt,
      ),
    };
  }

  const onOtherInstance = (jwt: string, ip = "127.0.0.1"): Promise<AuthedContext> =>
    authenticate(
      createContextInner({
        rt: secondRuntime ?? app.rt,
        config: getConfig(),
        meta: { reqId: "req-cachetest00000", ip, userAgent: null, authorization: `Bearer ${jwt}` },
      }),
    );

  it("a revocation written elsewhere reaches every instance's cache", async () => {
    const id = await app.createIdentity(adminToken, orgId);
    await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid: TENANCY } });
    const token = await tokenFor(id);
    await onOtherInstance(token.jwt); // now cached there
    await app.db.$executeRaw`UPDATE identity_access_tokens SET "revokedAt" = now() WHERE id = ${token.id}::uuid`;
    await eventually(async () => {
      await expect(onOtherInstance(token.jwt)).rejects.toMatchObject({ message: "Failed to authorize: token has been revoked" });
    });
  });

  it("changed trusted IPs reach every instance's cache", async () => {
    const id = await app.createIdentity(adminToken, orgId);
    await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid: TENANCY } });
    const token = await tokenFor(id);
    await onOtherInstance(token.jwt);
    const patched = await app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${id}`, {
      token: adminToken,
      body: { accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }] },
    });
    expect(patched.status).toBe(200);
    await eventually(async () => {
      await expect(onOtherInstance(token.jwt)).rejects.toMatchObject({
        message: expect.stringMatching(
          /^You are not allowed to access this resource from the current IP address \(the server saw 127\.0\.0\.1\)\..*TRUSTED_PROXIES/,
        ),
      });
    });
    await expect(onOtherInstance(token.jwt, "10.2.3.4")).resolves.toMatchObject({ actor: { identityId: id } });
  });

  it("changed Token Auth trusted IPs and its removal reach every instance's cache", async () => {
    const id = await app.createIdentity(adminToken, orgId);
    const path = `/api/v1/auth/token-auth/identities/${id}`;
    expect((await app.rest("POST", path, { token: adminToken, body: {} })).status).toBe(200);
    const { accessToken } = (await app.rest("POST", `${path}/tokens`, { token: adminToken, body: {} })).body;
    await onOtherInstance(accessToken); // now cached there
    await app.rest("PATCH", path, { token: adminToken, body: { accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }] } });
    await eventually(async () => {
      await expect(onOtherInstance(accessToken)).rejects.toMatchObject({
        message: expect.stringMatching(/^You are not allowed to access this resource from the current IP address/),
      });
    });
    await expect(onOtherInstance(accessToken, "10.2.3.4")).resolves.toMatchObject({ actor: { identityId: id } });
    expect((await app.rest("DELETE", path, { token: adminToken })).status).toBe(200);
    await eventually(async () => {
      await expect(onOtherInstance(accessToken, "10.2.3.4")).rejects.toMatchObject({
        message: "Failed to authorize: token has been revoked",
      });
    });
  });

  it("a role change reaches every instance's cache", async () => {
    const id = await app.createIdentity(adminToken, orgId, "member");
    await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid: TENANCY } });
    const token = await tokenFor(id);
    expect((await onOtherInstance(token.jwt)).actor).toMatchObject({ role: "member" });
    await app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { role: "viewer" } });
    await eventually(async () => {
      expect((await onOtherInstance(token.jwt)).actor).toMatchObject({ role: "viewer" });
    });
  });
});
