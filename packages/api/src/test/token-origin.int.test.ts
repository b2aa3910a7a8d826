import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, overrideConfigForTesting } from "../core/config";
import { createContextInner } from "../core/context";
import type { Runtime } from "../core/runtime";
import { authenticate } from "../services/auth/authenticate";
import { eventually, expectUnchanged, UNKNOWN_ID, userToken } from "./expect-helpers";
import { createTestApp, type TestApp } from "./harness";

describe("tokens: who logged in (OCI user, login IP), status filter, revoke all", () => {
  let app: TestApp;
  let oci: OciStandIn;
  let other: Awaited<ReturnType<TestApp["otherInstance"]>>;
  let adminToken: string;
  let orgId: string;
  let identityId: string;
  const tenancyOcid = createTestOcid("tenancy");
  const alice = { id: createTestOcid("user"), name: "alice", key: createTestApiKey() };
  const bob = { id: createTestOcid("user"), name: "bob", key: createTestApiKey() };
  let lastSecond = 0;

  async function login(user: typeof alice, ip: string) {
    // Each signature logs in once: give every one its own second.
    lastSecond = Math.max(Math.floor(Date.now() / 1000), lastSecond + 1);
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid: user.id,
      fingerprint: user.key.fingerprint,
      privateKeyPem: user.key.privateKeyPem,
      date: new Date(lastSecond * 1000),
    });
    const res = await app.rest("POST", "/api/v1/auth/oci-auth/login", { body: { identityId, userOcid: user.id, headers }, ip });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  }

  const useOn = (rt: Runtime, jwt: string) =>
    authenticate(
      createContextInner({
        rt,
        config: getConfig(),
        meta: { reqId: "req-revokeall000000", ip: "127.0.0.1", userAgent: null, authorization: `Bearer ${jwt}` },
      }),
    );

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    oci = await startOciStandIn({
      users: [
        { id: alice.id, compartmentId: tenancyOcid, name: alice.name, publicKeys: [alice.key.publicKeyPem] },
        { id: bob.id, compartmentId: tenancyOcid, name: bob.name, publicKeys: [bob.key.publicKeyPem] },
      ],
    });
    overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 2000 });
    identityId = await app.createIdentity(adminToken, orgId, "member", "workload");
    const attach = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, { token: adminToken, body: { tenancyOcid } });
    expect(attach.status).toBe(200);
    other = await app.otherInstance();
  });
  afterAll(async () => {
    await other?.close();
    await oci.close();
    await app.close();
  });

  it("each OCI login's token names the OCI user that signed it, its username and the login IP", async () => {
    await login(alice, "198.51.100.1");
    await login(bob, "2001:db8::9");
    const { tokens } = await app.caller(adminToken).tokens.list({ identityId });
    expect(tokens.map((t) => [t.ociUserOcid, t.ociUsername, t.loginIp])).toEqual([
      [bob.id, "bob", "2001:db8::9"],
      [alice.id, "alice", "198.51.100.1"],
    ]);
    const event = await app.db.auditEvent.findFirstOrThrow({
      where: { eventType: "login-identity-oci-auth" },
      orderBy: { createdAt: "desc" },
    });
    expect(event.metadata).toMatchObject({ identityId, ociUserOcid: bob.id, ociUserName: "bob" });
    // The bootstrap admin token was not an OCI login: nothing to name.
    const admin = await app.db.identityAccessToken.findFirstOrThrow({ where: { authMethod: "token" } });
    expect([admin.ociUserOcid, admin.ociUsername, admin.loginIp]).toEqual([null, null, null]);
  });

  it("filters the list: active, revoked, all (default)", async () => {
    const { tokens } = await app.caller(adminToken).tokens.list({ identityId });
    const [newest] = tokens;
    await app.caller(adminToken).tokens.revokeById({ tokenId: newest!.id });
    const expired = await app.db.identityAccessToken.create({
      data: { identityId, authMethod: "oci-auth", accessTokenTTL: 1, accessTokenMaxTTL: 1, expiresAt: new Date(Date.now() - 1000) },
    });
    const exhausted = await app.db.identityAccessToken.create({
      data: {
        identityId,
        authMethod: "oci-auth",
        accessTokenTTL: 60,
        accessTokenMaxTTL: 60,
        accessTokenNumUses: 2,
        accessTokenNumUsesLimit: 2,
      },
    });
    const list = (status?: "all" | "active" | "revoked") =>
      app.caller(adminToken).tokens.list({ identityId, ...(status ? { status } : {}) });
    expect((await list("revoked")).tokens.map((t) => t.id)).toEqual([newest!.id]);
    expect((await list("active")).tokens.map((t) => t.id)).toEqual([tokens[1]!.id]);
    const all = (await list()).tokens.map((t) => t.id);
    expect(all).toHaveLength(4);
    expect(all).toEqual(expect.arrayContaining([expired.id, exhausted.id, newest!.id, tokens[1]!.id]));
    expect((await list("all")).tokens.map((t) => t.id)).toEqual(all);
    await expect(app.caller(adminToken).tokens.list({ identityId, status: "gone" as "all" })).rejects.toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
    });
  });

  it("revoke all: every unrevoked token at once, refused on every instance, one audit event", async () => {
    const jwtA = await login(alice, "198.51.100.2");
    const jwtB = await login(bob, "198.51.100.3");
    await useOn(other.rt, jwtA); // cached on the other instance
    await useOn(other.rt, jwtB);
    const unrevoked = await app.db.identityAccessToken.count({ where: { identityId, revokedAt: null } });
    expect(unrevoked).toBe(5);

    const res = await app.rest("POST", `/api/v1/identities/${identityId}/access-tokens/revoke-all`, { token: adminToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revokedCount: 5 });
    expect(await app.db.identityAccessToken.count({ where: { identityId, revokedAt: null } })).toBe(0);
    await expect(useOn(app.rt, jwtA)).rejects.toMatchObject({ message: "Failed to authorize: token has been revoked" });
    await eventually(async () => {
      await expect(useOn(other.rt, jwtA)).rejects.toMatchObject({ message: "Failed to authorize: token has been revoked" });
      await expect(useOn(other.rt, jwtB)).rejects.toMatchObject({ message: "Failed to authorize: token has been revoked" });
    });
    const event = await app.db.auditEvent.findFirstOrThrow({
      where: { eventType: "revoke-all-identity-access-tokens" },
      orderBy: { createdAt: "desc" },
    });
    expect(event.metadata).toEqual({ identityId, revokedCount: 5 });
    // The admin's own token (another identity) still works.
    expect((await app.rest("GET", `/api/v1/identities/${identityId}`, { token: adminToken })).status).toBe(200);

    // Nothing left to revoke: not an error, nothing changes but the audit trail.
    const again = await app.caller(adminToken).tokens.revokeAllForIdentity({ identityId });
    expect(again).toEqual({ revokedCount: 0 });
  });

  it("viewers may not; unknown and malformed identity ids are 404; nothing changes", async () => {
    await login(alice, "198.51.100.4");
    const { token: viewer } = await userToken(app, orgId, "viewer");
    const path = `/api/v1/identities/${identityId}/access-tokens/revoke-all`;
    expect((await expectUnchanged(app, () => app.rest("POST", path, { token: viewer }))).status).toBe(403);
    expect((await expectUnchanged(app, () => app.rest("POST", path))).status).toBe(401);
    const unknown = await expectUnchanged(app, () =>
      app.rest("POST", `/api/v1/identities/${UNKNOWN_ID}/access-tokens/revoke-all`, { token: adminToken }),
    );
    expect(unknown.status).toBe(404);
    const malformed = await expectUnchanged(app, () =>
      app.rest("POST", "/api/v1/identities/nope/access-tokens/revoke-all", { token: adminToken }),
    );
    // A malformed identity id is a missing identity (Terraform's import reads 404 as "No identity found").
    expect(malformed.status).toBe(404);
    const { token: member } = await userToken(app, orgId, "member");
    expect((await app.rest("POST", path, { token: member })).body).toEqual({ revokedCount: 1 });
  });
});
