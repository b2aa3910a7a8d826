import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  accessTokenClaimsSchema,
  discoveryDocumentSchema,
  introspectionResponseSchema,
  messages,
  signingKeyListResponseSchema,
} from "@ociauth/schema";
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { createAppServer } from "../http/app-server";
import { eventually } from "./expect-helpers";
import { createTestApp, type TestApp } from "./harness";
import { rawRequest } from "./raw-http";

const LOGIN = "/api/v1/auth/oci-auth/login";
const INTROSPECT = "/api/v1/auth/token/introspect";

describe("tokens other services can verify: discovery, JWKS, introspection, signing keys", () => {
  let app: TestApp;
  let oci: OciStandIn;
  let server: Server;
  let baseUrl: string;
  let adminToken: string;
  let orgId: string;
  let issuer: string;
  const tenancyOcid = createTestOcid("tenancy");
  const alice = { id: createTestOcid("user"), name: "alice", key: createTestApiKey() };

  // One key signs identically within one second and each signed header set logs in once: every signature gets its own second.
  let lastSecond = 0;
  const sign = () => {
    lastSecond = Math.max(Math.floor(Date.now() / 1000), lastSecond + 1);
    return signGetUserWithOciCommon({
      tenancyOcid,
      userOcid: alice.id,
      fingerprint: alice.key.fingerprint,
      privateKeyPem: alice.key.privateKeyPem,
      date: new Date(lastSecond * 1000),
    });
  };

  async function identityWithOciAuth(options: { role?: string; config?: Record<string, unknown>; org?: string; token?: string } = {}) {
    const token = options.token ?? adminToken;
    const created = await app.rest("POST", "/api/v1/identities", {
      token,
      body: { name: "workload", organizationId: options.org ?? orgId, role: options.role ?? "member" },
    });
    expect(created.status).toBe(200);
    const id = created.body.identity.id as string;
    const attached = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, {
      token,
      body: { tenancyOcid, ...options.config },
    });
    expect(attached.status).toBe(200);
    return id;
  }

  const login = async (identityId: string, extra: Record<string, unknown> = {}) =>
    app.rest("POST", LOGIN, { body: { identityId, userOcid: alice.id, headers: await sign(), ...extra } });

  async function loginToken(identityId: string, extra: Record<string, unknown> = {}) {
    const res = await login(identityId, extra);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.accessToken as string;
  }

  const introspect = (callerToken: string, body: Record<string, string>, form = false) =>
    form
      ? app.rest("POST", INTROSPECT, {
          token: callerToken,
          rawBody: new URLSearchParams(body).toString(),
          contentType: "application/x-www-form-urlencoded",
        })
      : app.rest("POST", INTROSPECT, { token: callerToken, body });

  /** An API call that counts one use of the token: reading its own identity's OCI auth config. */
  const useOnApi = (token: string, identityId: string) => app.rest("GET", `/api/v1/auth/oci-auth/identities/${identityId}`, { token });

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    issuer = app.rt.tokens.issuer;
    oci = await startOciStandIn({
      users: [{ id: alice.id, compartmentId: tenancyOcid, name: alice.name, publicKeys: [alice.key.publicKeyPem] }],
    });
    overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 2000 });
    // The production front door over this app's runtime; pages are not served here.
    server = createAppServer((_req, res) => void res.writeHead(418).end("page"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await oci.close();
    await app.close();
  });

  describe("discovery and published keys", () => {
    it("serves the discovery document at the front door, not to the pages", async () => {
      const res = await rawRequest(baseUrl, { path: "/.well-known/openid-configuration" });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      const doc = discoveryDocumentSchema.parse(res.json());
      expect(doc).toMatchObject({
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        introspection_endpoint: `${issuer}${INTROSPECT}`,
        introspection_endpoint_auth_methods_supported: ["bearer"],
        id_token_signing_alg_values_supported: ["ES256"],
        subject_types_supported: ["public"],
        response_types_supported: ["token"],
      });
      expect(doc.claims_supported).toEqual(expect.arrayContaining(["iss", "sub", "aud", "iat", "nbf", "exp", "jti", "ociauth"]));
    });

    it("publishes public keys only, cacheable for five minutes; other methods 405 with Allow", async () => {
      const res = await rawRequest(baseUrl, { path: "/.well-known/jwks.json" });
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toBe("public, max-age=300");
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      const { keys } = res.json() as { keys: Record<string, unknown>[] };
      expect(keys.length).toBeGreaterThanOrEqual(1);
      for (const key of keys) {
        expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
        expect(key.kid).toEqual(expect.any(String));
        expect(key).not.toHaveProperty("d");
      }
      expect(keys.map((k) => k.kid)).toContain(app.rt.tokens.currentKey().id);
      expect(res.text).not.toMatch(/"d"\s*:/);

      const head = await rawRequest(baseUrl, { method: "HEAD", path: "/.well-known/jwks.json" });
      expect([head.status, head.text]).toEqual([200, ""]);
      const post = await rawRequest(baseUrl, {
        method: "POST",
        path: "/.well-known/jwks.json",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe("GET, HEAD");
      expect(post.json()).toMatchObject({ statusCode: 405, error: "MethodNotAllowed" });
    });
  });

  describe("offline verification with jose", () => {
    it("a token from a real OCI login verifies against the remote key set with issuer and audience, no shared secret", async () => {
      const id = await identityWithOciAuth();
      const token = await loginToken(id);
      const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience: issuer, algorithms: ["ES256"] });
      expect(protectedHeader).toMatchObject({ alg: "ES256", typ: "JWT", kid: app.rt.tokens.currentKey().id });
      const claims = accessTokenClaimsSchema.parse(payload);
      expect(claims).toMatchObject({ sub: id, iss: issuer, aud: issuer, identityId: id, orgId });
      expect(claims.ociauth).toMatchObject({
        org_id: orgId,
        identity_name: "workload",
        auth_method: "oci-auth",
        principal_type: "user",
        user_ocid: alice.id,
        username: "alice",
      });
      // The wrong audience is refused by the relying party's own check.
      await expect(jwtVerify(token, jwks, { issuer, audience: "billing-api" })).rejects.toThrow();
    });

    it("a login for an allowed audience: aud is that audience; this API refuses it, introspection answers it", async () => {
      const id = await identityWithOciAuth();
      const patched = await app.rest("PATCH", `/api/v1/identities/${id}`, {
        token: adminToken,
        body: { allowedAudiences: ["billing-api"] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.identity.allowedAudiences).toEqual(["billing-api"]);
      expect((await app.caller(adminToken).identities.get({ identityId: id })).identity.allowedAudiences).toEqual(["billing-api"]);

      const token = await loginToken(id, { audience: "billing-api" });
      const keys = (await rawRequest(baseUrl, { path: "/.well-known/jwks.json" })).json();
      const { payload } = await jwtVerify(token, createLocalJWKSet(keys), { issuer, audience: "billing-api" });
      expect(payload.aud).toBe("billing-api");

      const refused = await useOnApi(token, id);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: "TokenError", message: messages.tokenForAnotherAudience });

      const answer = await introspect(adminToken, { token });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ active: true, aud: "billing-api", sub: id });

      const denied = await login(id, { audience: "other-api" });
      expect(denied.status).toBe(403);
      expect(denied.body.message).toBe(messages.loginAudienceDenied("other-api"));
    });

    it("identities take allowedAudiences on create; without them Infisical's shapes are unchanged", async () => {
      const created = await app.rest("POST", "/api/v1/identities", {
        token: adminToken,
        body: { name: "with-audiences", organizationId: orgId, allowedAudiences: ["sts.amazonaws.com"] },
      });
      expect(created.status).toBe(200);
      expect(created.body.identity.allowedAudiences).toEqual(["sts.amazonaws.com"]);
      const plain = await app.rest("POST", "/api/v1/identities", { token: adminToken, body: { name: "plain", organizationId: orgId } });
      expect(plain.body.identity).not.toHaveProperty("allowedAudiences");
      const viaTrpc = await app.caller(adminToken).identities.get({ identityId: plain.body.identity.id });
      expect(viaTrpc.identity.allowedAudiences).toEqual([]);
      const invalid = await app.rest("PATCH", `/api/v1/identities/${plain.body.identity.id}`, {
        token: adminToken,
        body: { allowedAudiences: ["a", "a"] },
      });
      expect(invalid.status).toBe(422);
    });
  });

  describe("introspection", () => {
    it("answers the claims and remaining uses, JSON and form-encoded alike; a use each", async () => {
      const id = await identityWithOciAuth({ config: { accessTokenNumUsesLimit: 5 } });
      const token = await loginToken(id);
      const json = await introspect(adminToken, { token });
      expect(json.status).toBe(200);
      const answer = introspectionResponseSchema.parse(json.body);
      expect(answer).toMatchObject({ active: true, token_type: "Bearer", remaining_uses: 4, sub: id, iss: issuer, aud: issuer });
      expect(json.body.ociauth).toMatchObject({ org_id: orgId, username: "alice", principal_type: "user" });
      expect(json.body).not.toHaveProperty("identityId");
      const { payload } = await jwtVerify(token, createLocalJWKSet((await rawRequest(baseUrl, { path: "/.well-known/jwks.json" })).json()));
      expect(json.body).toMatchObject({ jti: payload.jti, iat: payload.iat, nbf: payload.nbf, exp: payload.exp });

      const form = await introspect(adminToken, { token, token_type_hint: "access_token" }, true);
      expect(form.status).toBe(200);
      expect(form.body).toMatchObject({ active: true, remaining_uses: 3 });
      const tokenRow = await app.db.identityAccessToken.findFirst({ where: { identityId: id } });
      expect(tokenRow?.accessTokenNumUses).toBe(2);

      const unlimited = await loginToken(await identityWithOciAuth());
      expect((await introspect(adminToken, { token: unlimited }, true)).body).toMatchObject({ active: true, remaining_uses: null });

      const duplicated = await app.rest("POST", INTROSPECT, {
        token: adminToken,
        rawBody: `token=${token}&token=${token}`,
        contentType: "application/x-www-form-urlencoded",
      });
      expect(duplicated.status).toBe(400);
      const missing = await introspect(adminToken, {}, true);
      expect(missing.status).toBe(422);
      // Form bodies are this operation's: other operations still take JSON only.
      const formElsewhere = await app.rest("POST", "/api/v1/identities", {
        token: adminToken,
        rawBody: `name=x&organizationId=${orgId}`,
        contentType: "application/x-www-form-urlencoded",
      });
      expect(formElsewhere.status).toBe(400);
    });

    it("anything that is not a usable identity access token of the caller's organization is just inactive", async () => {
      const userSession = await app.userWithRole(orgId, "admin");
      for (const token of ["garbage", "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.", userSession]) {
        const res = await introspect(adminToken, { token });
        expect([res.status, res.body]).toEqual([200, { active: false }]);
      }

      const id = await identityWithOciAuth();
      const revoked = await loginToken(id);
      expect((await app.rest("POST", "/api/v1/auth/token/revoke", { body: { accessToken: revoked } })).status).toBe(200);
      expect((await introspect(adminToken, { token: revoked })).body).toEqual({ active: false });

      const other = await app.otherOrganization("Elsewhere");
      const otherId = await identityWithOciAuth({ org: other.orgId, token: other.token });
      const otherToken = await loginToken(otherId);
      expect((await introspect(adminToken, { token: otherToken })).body).toEqual({ active: false });
      // A user is answered for every organization it reads in: the other organization's admin sees its token.
      expect((await introspect(other.token, { token: otherToken })).body).toMatchObject({ active: true, sub: otherId });
      expect((await introspect(other.token, { token: await loginToken(id) })).body).toEqual({ active: false });
    });

    it("needs at least the viewer role: a viewer identity may, a no-access caller is refused (403)", async () => {
      const target = await loginToken(await identityWithOciAuth());
      const viewer = await loginToken(await identityWithOciAuth({ role: "viewer" }));
      expect((await introspect(viewer, { token: target })).body).toMatchObject({ active: true });

      const noAccess = await loginToken(await identityWithOciAuth({ role: "no-access" }));
      const refused = await introspect(noAccess, { token: target });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: "PermissionDenied", message: messages.introspectionNeedsViewer });
      const noAccessUser = await app.userWithRole(orgId, "no-access");
      expect((await introspect(noAccessUser, { token: target })).status).toBe(403);
      await expect(app.caller(noAccess).tokens.introspect({ token: target })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await introspect("", { token: target })).status).toBe(401);
    });

    it("a use limit is exact when uses are split between the API and introspection", async () => {
      const id = await identityWithOciAuth({ config: { accessTokenNumUsesLimit: 4 } });
      const token = await loginToken(id);
      expect((await useOnApi(token, id)).status).toBe(200);
      expect((await introspect(adminToken, { token })).body).toMatchObject({ active: true, remaining_uses: 2 });
      expect((await useOnApi(token, id)).status).toBe(200);
      expect((await app.caller(adminToken).tokens.introspect({ token })).active).toBe(true);
      const spent = await useOnApi(token, id);
      expect([spent.status, spent.body.message]).toEqual([401, messages.tokenUsageLimit]);
      expect((await introspect(adminToken, { token })).body).toEqual({ active: false });
      expect((await app.db.identityAccessToken.findFirst({ where: { identityId: id } }))?.accessTokenNumUses).toBe(4);
    });

    it("checks the token's trusted IPs against client_ip; without client_ip such a token cannot be checked: inactive", async () => {
      const id = await identityWithOciAuth({ config: { accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }] } });
      const token = await loginToken(id);
      expect((await introspect(adminToken, { token, client_ip: "192.0.2.1" })).body).toEqual({ active: false });
      expect((await introspect(adminToken, { token })).body).toEqual({ active: false });
      expect((await introspect(adminToken, { token, client_ip: "10.9.8.7" }, true)).body).toMatchObject({ active: true });
      expect((await introspect(adminToken, { token, client_ip: "10.0.0.0/8" })).status).toBe(422);
      // The default trusted IPs allow every address: no client_ip needed.
      const open = await loginToken(await identityWithOciAuth());
      expect((await introspect(adminToken, { token: open })).body).toMatchObject({ active: true });
    });

    it("a revocation on one instance makes introspection on another answer inactive within 1 s", async () => {
      const other = await app.otherInstance();
      try {
        const token = await loginToken(await identityWithOciAuth());
        const onOther = other.callerWith(adminToken);
        expect((await onOther.tokens.introspect({ token })).active).toBe(true); // cached there now
        expect((await app.rest("POST", "/api/v1/auth/token/revoke", { body: { accessToken: token } })).status).toBe(200);
        const revokedAt = Date.now();
        await eventually(async () => expect(await onOther.tokens.introspect({ token })).toEqual({ active: false }), 1000);
        expect(Date.now() - revokedAt).toBeLessThan(1000);
      } finally {
        await other.close();
      }
    });
  });

  describe("signing keys (admins)", () => {
    it("non-admins may neither list nor rotate", async () => {
      const member = await loginToken(await identityWithOciAuth());
      for (const [method, path] of [
        ["GET", "/api/v1/admin/signing-keys"],
        ["POST", "/api/v1/admin/signing-keys/rotate"],
      ] as const) {
        const res = await app.rest(method, path, { token: member });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ error: "PermissionDenied", message: messages.signingKeysNeedAdmin });
      }
      const memberUser = await app.userWithRole(orgId, "member");
      expect((await app.rest("GET", "/api/v1/admin/signing-keys", { token: memberUser })).status).toBe(403);
      await expect(app.caller(memberUser).signingKeys.rotate()).rejects.toMatchObject({ code: "FORBIDDEN" });
    });

    it("rotation signs with a new kid; the old key stays published while its tokens live", async () => {
      const before = signingKeyListResponseSchema.parse((await app.rest("GET", "/api/v1/admin/signing-keys", { token: adminToken })).body);
      const oldKid = before.keys[0]!.kid;
      expect(before.keys[0]).toMatchObject({ state: "signing", alg: "ES256" });
      const id = await identityWithOciAuth();
      const oldToken = await loginToken(id);
      expect(decodeProtectedHeader(oldToken).kid).toBe(oldKid);

      const rotated = await app.rest("POST", "/api/v1/admin/signing-keys/rotate", { token: adminToken });
      expect(rotated.status).toBe(200);
      const newKid = rotated.body.key.kid as string;
      expect(rotated.body.key).toMatchObject({ state: "signing", alg: "ES256", liveTokens: 0 });
      expect(newKid).not.toBe(oldKid);
      const event = await app.db.auditEvent.findFirst({ where: { eventType: "rotate-signing-key" }, orderBy: { createdAt: "desc" } });
      expect(event).toMatchObject({ orgId, metadata: { kid: newKid, previousKid: oldKid } });

      const after = await app.caller(adminToken).signingKeys.list();
      expect(after.keys[0]).toMatchObject({ kid: newKid, state: "signing" });
      expect(after.keys.find((k) => k.kid === oldKid)).toMatchObject({ state: "published", liveTokens: expect.any(Number) });
      expect(after.keys.find((k) => k.kid === oldKid)!.liveTokens).toBeGreaterThanOrEqual(1);

      const newToken = await loginToken(id);
      expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
      const { keys } = (await rawRequest(baseUrl, { path: "/.well-known/jwks.json" })).json() as { keys: { kid: string }[] };
      expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
      const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
      for (const token of [oldToken, newToken]) await jwtVerify(token, jwks, { issuer, audience: issuer });
      expect((await useOnApi(oldToken, id)).status).toBe(200);
      expect((await introspect(adminToken, { token: oldToken })).body).toMatchObject({ active: true });
    });
  });
});
