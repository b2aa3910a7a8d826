import { messages } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, expectError, expectUnchanged, expectValidation, UNKNOWN_ID, userToken } from "./expect-helpers";
import { createTestApp, type TestApp } from "./harness";

const CONFIG_KEYS = [
  "accessTokenMaxTTL",
  "accessTokenNumUsesLimit",
  "accessTokenPeriod",
  "accessTokenTTL",
  "accessTokenTrustedIps",
  "createdAt",
  "id",
  "identityId",
  "updatedAt",
];
const TOKEN_DATA_KEYS = [
  "accessTokenLastRenewedAt",
  "accessTokenLastUsedAt",
  "accessTokenMaxTTL",
  "accessTokenNumUses",
  "accessTokenNumUsesLimit",
  "accessTokenPeriod",
  "accessTokenTTL",
  "authMethod",
  "createdAt",
  "expiresAt",
  "id",
  "identityId",
  "identityUAClientSecretId",
  "isAccessTokenRevoked",
  "name",
  "updatedAt",
].sort();

describe("Token Auth (REST)", () => {
  let app: TestApp;
  let admin: string;
  let orgId: string;
  const configPath = (id: string) => `/api/v1/auth/token-auth/identities/${id}`;
  const tokensPath = (id: string) => `${configPath(id)}/tokens`;
  const tokenPath = (tokenId: string) => `/api/v1/auth/token-auth/tokens/${tokenId}`;
  const eventCount = (eventType: string, identityId: string) =>
    app.db.auditEvent.count({ where: { eventType, metadata: { path: ["identityId"], equals: identityId } } });

  /** An identity with Token Auth attached (`body` overrides the defaults). */
  async function withTokenAuth(role: "admin" | "member" | "viewer" | "no-access" = "viewer", body: object = {}) {
    const id = await app.createIdentity(admin, orgId, role);
    const res = await app.rest("POST", configPath(id), { token: admin, body });
    expect(res.status).toBe(200);
    return id;
  }
  async function mint(identityId: string, name?: string, token = admin) {
    const res = await app.rest("POST", tokensPath(identityId), { token, body: name === undefined ? {} : { name } });
    expect(res.status).toBe(200);
    return res.body as { accessToken: string; expiresIn: number; accessTokenMaxTTL: number; tokenType: string; tokenData: any };
  }
  const listIdentities = (token: string, ip?: string) => app.rest("GET", `/api/v1/identities?organizationId=${orgId}`, { token, ip });

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken: admin, orgId } = await app.bootstrap());
  });
  afterAll(() => app.close());

  it("serves Terraform's token resource cycle: create, read by id, rename, revoke with the identity in the body", async () => {
    const id = await app.createIdentity(admin, orgId, "viewer");
    // infisical_identity_token_auth: the identity id repeated in the body, as the provider sends it.
    expect((await app.rest("POST", configPath(id), { token: admin, body: { identityId: id, accessTokenTTL: 3600 } })).status).toBe(200);
    const created = await app.rest("POST", tokensPath(id), { token: admin, body: { identityId: id, name: "tf" } });
    expect(created.status).toBe(200);
    const tokenId = created.body.tokenData.id as string;
    // Refresh: GET one token by id → {token} (no secret), what the provider reads into its state.
    const read = await app.rest("GET", tokenPath(tokenId), { token: admin });
    expect(read.status).toBe(200);
    expect(Object.keys(read.body)).toEqual(["token"]);
    expect(Object.keys(read.body.token).sort()).toEqual(TOKEN_DATA_KEYS);
    expect(read.body.token).toMatchObject({ id: tokenId, identityId: id, name: "tf", isAccessTokenRevoked: false });
    expect(JSON.stringify(read.body)).not.toContain(created.body.accessToken);
    expect((await app.rest("PATCH", tokenPath(tokenId), { token: admin, body: { tokenId, name: "tf-2" } })).body.token.name).toBe("tf-2");
    // Destroy: POST …/revoke {identityId, tokenId}; another identity's id answers 404 and revokes nothing.
    const other = await app.createIdentity(admin, orgId, "viewer");
    await expectUnchanged(app, async () => {
      await expectError(
        await app.rest("POST", `${tokenPath(tokenId)}/revoke`, { token: admin, body: { identityId: other, tokenId } }),
        404,
        "NotFound",
        messages.tokenAuthTokenNotFoundOrRevoked(tokenId),
      );
    });
    const revoked = await app.rest("POST", `${tokenPath(tokenId)}/revoke`, { token: admin, body: { identityId: id, tokenId } });
    expect(revoked.status).toBe(200);
    expect((await app.rest("GET", tokenPath(tokenId), { token: admin })).body.token.isAccessTokenRevoked).toBe(true);
    expect((await listIdentities(created.body.accessToken)).status).toBe(401);
    await expectError(
      await app.rest("GET", tokenPath(UNKNOWN_ID), { token: admin }),
      404,
      "NotFound",
      messages.tokenAuthTokenNotFound(UNKNOWN_ID),
    );
  });

  it("attaches with Infisical's defaults, reads, updates and revokes the configuration", async () => {
    const id = await app.createIdentity(admin, orgId, "viewer");
    const attached = await app.rest("POST", configPath(id), { token: admin, body: {} });
    expect(attached.status).toBe(200);
    expect(Object.keys(attached.body)).toEqual(["identityTokenAuth"]);
    expect(Object.keys(attached.body.identityTokenAuth).sort()).toEqual(CONFIG_KEYS);
    expect(attached.body.identityTokenAuth).toMatchObject({
      identityId: id,
      accessTokenTTL: 2592000,
      accessTokenMaxTTL: 2592000,
      accessTokenNumUsesLimit: 0,
      accessTokenPeriod: 0,
      accessTokenTrustedIps: [
        { ipAddress: "0.0.0.0", type: "ipv4", prefix: 0 },
        { ipAddress: "::", type: "ipv6", prefix: 0 },
      ],
    });
    expect(await eventCount("add-identity-token-auth", id)).toBe(1);

    const identity = await app.rest("GET", `/api/v1/identities/${id}`, { token: admin });
    expect(identity.body.identity.identity.authMethods).toEqual(["token-auth"]);

    const again = await app.rest("POST", configPath(id), { token: admin, body: {} });
    expectError(again, 400, "BadRequest", "Failed to add Token Auth to already configured identity");

    const got = await app.rest("GET", configPath(id), { token: admin });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(attached.body);

    const updated = await app.rest("PATCH", configPath(id), {
      token: admin,
      body: { accessTokenTTL: 600, accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.identityTokenAuth).toMatchObject({
      accessTokenTTL: 600,
      accessTokenMaxTTL: 2592000,
      accessTokenTrustedIps: [{ ipAddress: "10.0.0.0", type: "ipv4", prefix: 8 }],
    });
    expect(await eventCount("update-identity-token-auth", id)).toBe(1);

    const revoked = await app.rest("DELETE", configPath(id), { token: admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.identityTokenAuth.id).toBe(attached.body.identityTokenAuth.id);
    expectError(
      await app.rest("GET", configPath(id), { token: admin }),
      404,
      "NotFound",
      "Token Auth configuration not found for identity",
    );
    expectError(await app.rest("DELETE", configPath(id), { token: admin }), 400, "BadRequest", "The identity does not have Token Auth");
    expectError(
      await app.rest("PATCH", configPath(id), { token: admin, body: { accessTokenTTL: 5 } }),
      400,
      "BadRequest",
      "The identity does not have Token Auth",
    );
    expectError(
      await app.rest("POST", tokensPath(id), { token: admin, body: {} }),
      400,
      "BadRequest",
      "The identity does not have Token Auth",
    );
  });

  it("creates a token that calls the API with the identity's role; lists it without the secret; renames and revokes it", async () => {
    const id = await withTokenAuth("viewer", { accessTokenTTL: 3600, accessTokenMaxTTL: 7200 });
    const created = await mint(id, "ci-deploy");
    expect(Object.keys(created).sort()).toEqual(["accessToken", "accessTokenMaxTTL", "expiresIn", "tokenData", "tokenType"]);
    expect(created).toMatchObject({ tokenType: "Bearer", expiresIn: 3600, accessTokenMaxTTL: 7200 });
    expect(Object.keys(created.tokenData).sort()).toEqual(TOKEN_DATA_KEYS);
    expect(created.tokenData).toMatchObject({
      identityId: id,
      name: "ci-deploy",
      authMethod: "token-auth",
      accessTokenTTL: 3600,
      accessTokenMaxTTL: 7200,
      accessTokenNumUses: 0,
      isAccessTokenRevoked: false,
      identityUAClientSecretId: null,
    });
    expect(await eventCount("create-token-identity-token-auth", id)).toBe(1);

    // A viewer token reads, but may not write.
    expect((await listIdentities(created.accessToken)).status).toBe(200);
    const write = await app.rest("POST", "/api/v1/identities", {
      token: created.accessToken,
      body: { name: "nope", organizationId: orgId, role: "no-access" },
    });
    expect(write.status).toBe(403);

    const listed = await app.rest("GET", tokensPath(id), { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.tokens).toHaveLength(1);
    // Two uses: the read and the refused write (authenticated, then denied).
    expect(listed.body.tokens[0]).toMatchObject({ id: created.tokenData.id, name: "ci-deploy", accessTokenNumUses: 2 });
    expect(JSON.stringify(listed.body)).not.toContain(created.accessToken);
    expect(JSON.stringify(listed.body)).not.toContain(created.accessToken.split(".")[2]);

    const renamed = await app.rest("PATCH", tokenPath(created.tokenData.id), { token: admin, body: { name: "  ci-release " } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.token).toMatchObject({ id: created.tokenData.id, name: "ci-release" });
    expect((await app.rest("GET", tokensPath(id), { token: admin })).body.tokens[0].name).toBe("ci-release");

    const revoked = await app.rest("POST", `${tokenPath(created.tokenData.id)}/revoke`, { token: admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ message: "Successfully revoked access token" });
    expectError(await listIdentities(created.accessToken), 401, "UnauthorizedError", "Failed to authorize: token has been revoked");
    expect((await app.rest("GET", tokensPath(id), { token: admin })).body.tokens[0].isAccessTokenRevoked).toBe(true);
    expectError(
      await app.rest("POST", `${tokenPath(created.tokenData.id)}/revoke`, { token: admin }),
      404,
      "NotFound",
      `Token with ID ${created.tokenData.id} not found or already revoked`,
    );
  });

  it("a revoked token is refused on another instance too", async () => {
    const id = await withTokenAuth();
    const { accessToken, tokenData } = await mint(id);
    const other = await app.otherInstance();
    try {
      const onOther = () => other.callerWith(accessToken).identities.list({ organizationId: orgId });
      expect((await onOther()).identities.length).toBeGreaterThan(0); // now cached there
      expect((await app.rest("POST", `${tokenPath(tokenData.id)}/revoke`, { token: admin })).status).toBe(200);
      await eventually(() =>
        expect(onOther()).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Failed to authorize: token has been revoked" }),
      );
    } finally {
      await other.close();
    }
  });

  it("lists newest first with offset and limit", async () => {
    const id = await withTokenAuth();
    for (const name of ["one", "two", "three"]) await mint(id, name);
    const page = await app.rest("GET", `${tokensPath(id)}?offset=1&limit=1`, { token: admin });
    expect(page.status).toBe(200);
    expect(page.body.tokens.map((t: { name: string }) => t.name)).toEqual(["two"]);
    expect(page.body.nextOffset).toBe(2);
    const all = await app.rest("GET", tokensPath(id), { token: admin });
    expect(all.body.tokens.map((t: { name: string }) => t.name)).toEqual(["three", "two", "one"]);
    expectValidation(await app.rest("GET", `${tokensPath(id)}?limit=0`, { token: admin }), [
      { path: ["limit"], message: "limit must be 1 or more" },
    ]);
  });

  it("TTL and max TTL: a token expires after its TTL and never outlives max TTL", async () => {
    const id = await withTokenAuth("viewer", { accessTokenTTL: 60, accessTokenMaxTTL: 120 });
    const { accessToken, expiresIn, tokenData } = await mint(id);
    expect(expiresIn).toBe(60);
    expect(Math.abs(Date.parse(tokenData.expiresAt) - Date.parse(tokenData.createdAt) - 60_000)).toBeLessThan(1000);
    // TTL 0: the token lives as long as max TTL allows.
    const unbounded = await mint(await withTokenAuth("viewer", { accessTokenTTL: 0, accessTokenMaxTTL: 120 }));
    expect(unbounded).toMatchObject({ expiresIn: 120, accessTokenMaxTTL: 120 });
    // Age the token past its expiry in the database: the API refuses it.
    await app.db.identityAccessToken.update({ where: { id: tokenData.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await app.rt.authCache.clear();
    expectError(await listIdentities(accessToken), 403, "TokenError", "Your token has expired. Please re-authenticate.");

    expectValidation(
      await expectUnchanged(app, () =>
        app.rest("POST", configPath(UNKNOWN_ID), { token: admin, body: { accessTokenTTL: 200, accessTokenMaxTTL: 100 } }),
      ),
      [{ path: ["accessTokenTTL"], message: "Access Token TTL cannot be greater than Access Token Max TTL." }],
    );
    // An update is checked against the stored values it does not change.
    expectValidation(await expectUnchanged(app, () => app.rest("PATCH", configPath(id), { token: admin, body: { accessTokenTTL: 500 } })), [
      { path: ["accessTokenTTL"], message: "Access Token TTL cannot be greater than Access Token Max TTL." },
    ]);
  });

  it("trusted IPs apply to minted tokens, also to those minted before a change", async () => {
    const id = await withTokenAuth("viewer", { accessTokenTrustedIps: [{ ipAddress: "192.0.2.0/24" }] });
    const { accessToken } = await mint(id);
    expect((await listIdentities(accessToken, "192.0.2.7")).status).toBe(200);
    const outside = await listIdentities(accessToken, "198.51.100.1");
    expect(outside.status).toBe(403);
    expect(outside.body.message).toMatch(/^You are not allowed to access this resource from the current IP address/);
    await app.rest("PATCH", configPath(id), { token: admin, body: { accessTokenTrustedIps: [{ ipAddress: "198.51.100.0/24" }] } });
    expect((await listIdentities(accessToken, "198.51.100.1")).status).toBe(200);
    expect((await listIdentities(accessToken, "192.0.2.7")).status).toBe(403);
  });

  it("removing Token Auth revokes every token it minted", async () => {
    const id = await withTokenAuth();
    const { accessToken } = await mint(id);
    expect((await listIdentities(accessToken)).status).toBe(200);
    expect((await app.rest("DELETE", configPath(id), { token: admin })).status).toBe(200);
    expectError(await listIdentities(accessToken), 401, "UnauthorizedError", "Failed to authorize: token has been revoked");
  });

  it("use limit 5: of 20 concurrent calls exactly 5 succeed", async () => {
    const id = await withTokenAuth("viewer", { accessTokenNumUsesLimit: 5 });
    const { accessToken, tokenData } = await mint(id);
    const results = await Promise.all(Array.from({ length: 20 }, () => listIdentities(accessToken)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 401)).toHaveLength(15);
    expect((await app.db.identityAccessToken.findUniqueOrThrow({ where: { id: tokenData.id } })).accessTokenNumUses).toBe(5);
  });

  it("an identity of another organization is 404 for every operation", async () => {
    const id = await withTokenAuth();
    const { tokenData } = await mint(id);
    const other = await app.otherOrganization();
    const notFound = `Failed to find identity with ID ${id}`;
    expectError(await app.rest("GET", configPath(id), { token: other.token }), 404, "NotFound", notFound);
    expectError(await app.rest("POST", tokensPath(id), { token: other.token, body: {} }), 404, "NotFound", notFound);
    expectError(await app.rest("GET", tokensPath(id), { token: other.token }), 404, "NotFound", notFound);
    expectError(await app.rest("DELETE", configPath(id), { token: other.token }), 404, "NotFound", notFound);
    expectError(
      await app.rest("PATCH", tokenPath(tokenData.id), { token: other.token, body: { name: "x" } }),
      404,
      "NotFound",
      `Token with ID ${tokenData.id} not found`,
    );
    expectError(
      await app.rest("POST", `${tokenPath(tokenData.id)}/revoke`, { token: other.token }),
      404,
      "NotFound",
      `Token with ID ${tokenData.id} not found or already revoked`,
    );
    expect(await app.db.identityAccessToken.count({ where: { identityId: id } })).toBe(1);
  });

  it("a viewer reads but may not attach, mint, rename or revoke (403)", async () => {
    const id = await withTokenAuth("no-access");
    const { tokenData } = await mint(id);
    const { token: viewer } = await userToken(app, orgId, "viewer");
    expect((await app.rest("GET", configPath(id), { token: viewer })).status).toBe(200);
    expect((await app.rest("GET", tokensPath(id), { token: viewer })).status).toBe(200);
    const fresh = await app.createIdentity(admin, orgId, "no-access");
    for (const res of [
      await app.rest("POST", configPath(fresh), { token: viewer, body: {} }),
      await app.rest("POST", tokensPath(id), { token: viewer, body: {} }),
      await app.rest("PATCH", tokenPath(tokenData.id), { token: viewer, body: { name: "x" } }),
      await app.rest("POST", `${tokenPath(tokenData.id)}/revoke`, { token: viewer }),
      await app.rest("DELETE", configPath(id), { token: viewer }),
    ]) {
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 403, error: "PermissionDenied" });
    }
    expect(await app.db.identityAccessToken.count({ where: { identityId: id } })).toBe(1);
  });

  it("privilege boundary: a member cannot mint a token for an admin identity (403), only for its equals and below", async () => {
    const adminIdentity = await withTokenAuth("admin");
    const { token: member } = await userToken(app, orgId, "member");
    const res = await app.rest("POST", tokensPath(adminIdentity), { token: member, body: { name: "escalate" } });
    expectError(res, 403, "PermissionBoundaryError", "Failed to create token for identity with more privileged role", {
      missingPermissions: [{ action: "create token for", subject: "identity" }],
    });
    expect(await app.db.identityAccessToken.count({ where: { identityId: adminIdentity } })).toBe(0);
    const peer = await withTokenAuth("member");
    expect((await app.rest("POST", tokensPath(peer), { token: member, body: {} })).status).toBe(200);
  });

  it("an admin identity's minted token is a new admin token (the lost bootstrap token)", async () => {
    const id = await withTokenAuth("admin", { accessTokenTTL: 0, accessTokenMaxTTL: 315360000 });
    const { accessToken } = await mint(id, "break-glass");
    const created = await app.rest("POST", "/api/v1/identities", {
      token: accessToken,
      body: { name: "made-by-new-admin-token", organizationId: orgId, role: "admin" },
    });
    expect(created.status).toBe(200);
  });

  it("bad input is 422 and changes nothing", async () => {
    const id = await withTokenAuth();
    const tokensBefore = await app.db.identityAccessToken.count();
    for (const [method, path, body, issue] of [
      ["POST", configPath(await app.createIdentity(admin, orgId)), { accessTokenTTL: -1 }, { path: ["accessTokenTTL"] }],
      [
        "POST",
        configPath(id),
        { accessTokenTrustedIps: [{ ipAddress: "not-an-ip" }] },
        { path: ["accessTokenTrustedIps", 0, "ipAddress"] },
      ],
      ["PATCH", configPath(id), { accessTokenNumUsesLimit: "five" }, { path: ["accessTokenNumUsesLimit"] }],
      ["PATCH", configPath(id), { unknown: 1 }, { code: "unrecognized_keys" }],
      ["POST", tokensPath(id), { name: "x".repeat(256) }, { path: ["name"], message: "Token name must be at most 255 characters" }],
      ["PATCH", tokenPath("not-a-uuid"), { name: "x" }, { path: ["tokenId"] }],
    ] as const) {
      const res = await expectUnchanged(app, () => app.rest(method, path, { token: admin, body }));
      expect(res.status).toBe(422);
      expect(res.body.message).toEqual(expect.arrayContaining([expect.objectContaining(issue)]));
    }
    expect(await app.db.identityAccessToken.count()).toBe(tokensBefore);
    // An identity id that is not a UUID is a missing identity (as on every identity path).
    expectError(
      await expectUnchanged(app, () => app.rest("POST", tokensPath("not-a-uuid"), { token: admin, body: {} })),
      404,
      "NotFound",
      messages.identityNotFound("not-a-uuid"),
    );
    expectError(
      await app.rest("PATCH", tokenPath(UNKNOWN_ID), { token: admin, body: { name: "x" } }),
      404,
      "NotFound",
      `Token with ID ${UNKNOWN_ID} not found`,
    );
  });

  it("tRPC: the same operations under tokenAuth.*", async () => {
    const id = await app.createIdentity(admin, orgId, "viewer");
    const caller = app.caller(admin);
    const { identityTokenAuth } = await caller.tokenAuth.attach({ identityId: id, accessTokenTTL: 300, accessTokenMaxTTL: 600 });
    expect(identityTokenAuth.accessTokenTTL).toBe(300);
    const minted = await caller.tokenAuth.createToken({ identityId: id, name: "trpc" });
    expect(minted.tokenData.name).toBe("trpc");
    const { tokens } = await caller.tokenAuth.listTokens({ identityId: id });
    expect(tokens.map((t) => t.id)).toEqual([minted.tokenData.id]);
    await caller.tokenAuth.updateToken({ tokenId: minted.tokenData.id, name: "renamed" });
    expect(await caller.tokenAuth.revokeToken({ tokenId: minted.tokenData.id })).toEqual({ message: "Successfully revoked access token" });
    expect((await caller.tokenAuth.revoke({ identityId: id })).identityTokenAuth.id).toBe(identityTokenAuth.id);
  });
});
