import {
  apiKeyProvider,
  createTestApiKey,
  createTestOcid,
  type OciStandIn,
  signAuthenticateClient,
  signGetUserGoStyle,
  signInnerRequest,
  startOciStandIn,
} from "@ociauth/oci-stand-in";
import { messages, PRINCIPAL_LOGIN_PATH } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { loginMessages } from "../services/oci-auth/oci-login-service";
import { principalLoginMessages } from "../services/oci-auth/oci-principal-login-service";
import { startTestServer } from "../testing/test-server";
import { rawRequest } from "./raw-http";

const LOGIN = "/api/v1/auth/oci-auth/login";
const OTHER_CALLER = "127.0.0.2";

/**
 * What Infisical's own clients send, over real sockets to the production server: the Go SDK's
 * OCI login (also what the External Secrets Operator runs, a new client per reconcile), its
 * renew and revoke, and the Terraform provider's identity resource. The shapes follow the
 * clients' sources: go-sdk `auth.go` OciAuthLogin and `packages/api/auth/*`, the provider's
 * `internal/client/identity.go` and `internal/provider/resource/identity.go`.
 */
describe("Infisical's clients against the production server", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let oci: OciStandIn;
  let adminToken: string;
  let orgId: string;
  const tenancyOcid = createTestOcid("tenancy");
  const user = { id: createTestOcid("user"), key: createTestApiKey() };

  /** One JSON request as a Go (resty) client sends it; `from` is the local address to connect from. */
  async function call(method: string, path: string, options: { body?: unknown; token?: string; from?: string } = {}) {
    const headers: Record<string, string> = {
      "user-agent": "go-resty/2.16.5 (https://github.com/go-resty/resty)",
      accept: "application/json",
    };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) {
      // Go's net/http sends a byte body with its length (also on DELETE, where Node would send neither that nor chunks).
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const res = await rawRequest(server.url, { method, path, headers, body, localAddress: options.from });
    return { status: res.status, body: res.text ? res.json() : null };
  }

  async function identityWithOciAuth() {
    const created = await call("POST", "/api/v1/identities", {
      token: adminToken,
      body: { name: `w-${crypto.randomUUID()}`, organizationId: orgId, role: "member" },
    });
    expect(created.status).toBe(200);
    const id = created.body.identity.id as string;
    expect((await call("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid } })).status).toBe(200);
    return id;
  }

  /**
   * The Go SDK's OciAuthLogin: a GetUser request signed over `date (request-target) host` by the
   * OCI Go SDK's signer, its header names lowercased into `headers`; no organizationSlug here.
   */
  function goSdkLoginBody(identityId: string, date = new Date()) {
    const headers = signGetUserGoStyle({
      tenancyOcid,
      userOcid: user.id,
      fingerprint: user.key.fingerprint,
      privateKeyPem: user.key.privateKeyPem,
      date,
    });
    expect(Object.keys(headers).sort()).toEqual(["authorization", "date", "host"]);
    return { identityId, userOcid: user.id, headers };
  }

  const successEvents = (identityId: string) =>
    server.database.prisma.auditEvent.count({ where: { eventType: "login-identity-oci-auth", actorId: identityId } });
  const lastFailureReason = async (identityId: string) => {
    const event = await server.database.prisma.auditEvent.findFirst({
      where: { eventType: "login-identity-oci-auth-failed", actorId: identityId },
      orderBy: { createdAt: "desc" },
    });
    return (event?.metadata as { reasonCode?: string } | undefined)?.reasonCode;
  };

  beforeAll(async () => {
    server = await startTestServer();
    const boot = await call("POST", "/api/v1/admin/bootstrap", {
      body: { email: "clients@example.com", password: "a-long-password!", organization: "Clients" },
    });
    expect(boot.status).toBe(200);
    adminToken = boot.body.identity.credentials.token;
    orgId = boot.body.organization.id;
    oci = await startOciStandIn({
      users: [{ id: user.id, compartmentId: tenancyOcid, name: "go-sdk", publicKeys: [user.key.publicKeyPem] }],
    });
    overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_AUTH_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 5000 });
  });
  afterAll(async () => {
    overrideConfigForTesting({ RATE_LIMIT: "off" });
    await oci?.close();
    await server?.close();
  });

  describe("the Go SDK (and the External Secrets Operator)", () => {
    it("logs in with its exact request, reads accessToken/expiresIn/accessTokenMaxTTL/tokenType, renews and revokes", async () => {
      const id = await identityWithOciAuth();
      const login = await call("POST", LOGIN, { body: goSdkLoginBody(id) });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      expect(Object.keys(login.body).sort()).toEqual(["accessToken", "accessTokenMaxTTL", "expiresIn", "tokenType"]);
      expect(login.body).toMatchObject({ expiresIn: 2592000, accessTokenMaxTTL: 2592000, tokenType: "Bearer" });

      // CallRenewAccessToken: a client without the bearer token, the token in the body.
      const renewed = await call("POST", "/api/v1/auth/token/renew", { body: { accessToken: login.body.accessToken } });
      expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
      expect(Object.keys(renewed.body).sort()).toEqual(["accessToken", "accessTokenMaxTTL", "expiresIn", "tokenType"]);

      // CallRevokeAccessToken: the SDK's client, which carries its current token as bearer.
      const token = renewed.body.accessToken as string;
      const revoked = await call("POST", "/api/v1/auth/token/revoke", { token, body: { accessToken: token } });
      expect(revoked).toEqual({ status: 200, body: { message: messages.tokenRevokedMessage } });
      expect((await call("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token })).status).toBe(401);
    });

    it("with INFISICAL_AUTH_ORGANIZATION_SLUG: the identity's slug logs in; an unknown one is 404, another organization's 403", async () => {
      const id = await identityWithOciAuth();
      const own = await call("GET", `/api/v1/organization/${orgId}`, { token: adminToken });
      expect(own.status).toBe(200);
      const slug = own.body.organization.slug as string;
      const other = await call("POST", "/api/v1/organizations", {
        token: (await call("POST", "/api/v1/auth/login", { body: { email: "clients@example.com", password: "a-long-password!" } })).body
          .token,
        body: { name: "Elsewhere" },
      });
      expect(other.status).toBe(200);
      // Each login signs anew a second apart (one key signs identically within a second).
      const at = (seconds: number) => new Date(Date.now() + seconds * 1000);
      const ok = await call("POST", LOGIN, { body: { ...goSdkLoginBody(id, at(0)), organizationSlug: slug } });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      const unknown = await call("POST", LOGIN, { body: { ...goSdkLoginBody(id, at(-1)), organizationSlug: "no-such-org" } });
      expect(unknown).toMatchObject({ status: 404, body: { error: "NotFound" } });
      const foreign = await call("POST", LOGIN, {
        body: { ...goSdkLoginBody(id, at(-2)), organizationSlug: other.body.organization.slug },
      });
      expect(foreign).toMatchObject({ status: 403 });
      expect(await lastFailureReason(id)).toBe("organization_not_allowed");
    });

    it("8 concurrent identical logins from one address: 8 × 200, 8 tokens, 8 audit events; another address or after 2 s: signature_replayed", async () => {
      const id = await identityWithOciAuth();
      const body = goSdkLoginBody(id);
      const before = await successEvents(id);
      const results = await Promise.all(Array.from({ length: 8 }, () => call("POST", LOGIN, { body })));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(new Set(results.map((r) => r.body.accessToken)).size).toBe(8);
      expect(await successEvents(id)).toBe(before + 8);

      const elsewhere = await call("POST", LOGIN, { body, from: OTHER_CALLER });
      expect(elsewhere.status).toBe(401);
      expect(elsewhere.body.message).toBe(loginMessages.signatureReplayed);
      expect(await lastFailureReason(id)).toBe("signature_replayed");

      await new Promise((resolve) => setTimeout(resolve, 2100));
      const late = await call("POST", LOGIN, { body });
      expect(late.status).toBe(401);
      expect(late.body.message).toBe(loginMessages.signatureReplayed);
      expect(await successEvents(id)).toBe(before + 8);
    });

    it("200 distinct logins for one identity from one address within a minute all succeed under the default budgets; the 201st attempt is refused", async () => {
      overrideConfigForTesting({ RATE_LIMIT: "on" });
      try {
        const id = await identityWithOciAuth();
        const now = Date.now();
        // 200 distinct signed dates (one key signs identically within a second), all within OCI's ±5 minutes.
        const bodies = Array.from({ length: 200 }, (_, i) => goSdkLoginBody(id, new Date(now - (250 - i) * 1000)));
        const from = "127.0.0.3";
        const statuses: number[] = [];
        for (let i = 0; i < bodies.length; i += 8) {
          const batch = await Promise.all(bodies.slice(i, i + 8).map((body) => call("POST", LOGIN, { body, from })));
          statuses.push(...batch.map((r) => r.status));
        }
        expect(statuses.filter((s) => s === 200)).toHaveLength(200);
        const over = await call("POST", LOGIN, { body: goSdkLoginBody(id, new Date(now + 30_000)), from });
        expect(over.status).toBe(429);
      } finally {
        overrideConfigForTesting({ RATE_LIMIT: "off" });
      }
    }, 120_000);

    it("the principal login stays exactly-once, even from the same address within 2 s", async () => {
      const id = await identityWithOciAuth();
      const challenge = await call("POST", "/api/v1/auth/oci-auth/challenge", { body: { identityId: id } });
      expect(challenge.status).toBe(200);
      const provider = apiKeyProvider({
        tenancyOcid,
        userOcid: user.id,
        fingerprint: user.key.fingerprint,
        privateKeyPem: user.key.privateKeyPem,
      });
      const inner = await signInnerRequest(provider, {
        method: "GET",
        uri: `${server.url}${PRINCIPAL_LOGIN_PATH}?challenge=${challenge.body.challenge}`,
      });
      const outer = await signAuthenticateClient(provider, "https://auth.us-ashburn-1.oraclecloud.com", inner);
      const body = { identityId: id, authenticateClient: { headers: outer.headers, body: outer.body } };
      const first = await call("POST", PRINCIPAL_LOGIN_PATH, { body });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const again = await call("POST", PRINCIPAL_LOGIN_PATH, { body });
      expect(again.status).toBe(401);
      expect(again.body.message).toBe(principalLoginMessages.challengeReused);
    });
  });

  describe("the Terraform provider's infisical_identity", () => {
    it("create → read → update (identityId repeated in the body) → import → delete", async () => {
      // CreateIdentityRequest
      const created = await call("POST", "/api/v1/identities", {
        token: adminToken,
        body: {
          name: "tf-identity",
          hasDeleteProtection: false,
          organizationId: orgId,
          role: "member",
          metadata: [{ key: "team", value: "a" }],
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const id = created.body.identity.id as string;
      expect(created.body.identity).toMatchObject({
        name: "tf-identity",
        hasDeleteProtection: false,
        authMethods: [],
        metadata: [{ key: "team", value: "a" }],
      });

      // Read (GetIdentityResponse: identity.identity, role, orgId, metadata)
      const read = await call("GET", `/api/v1/identities/${id}`, { token: adminToken });
      expect(read.status).toBe(200);
      expect(read.body.identity).toMatchObject({
        identity: { id, name: "tf-identity", hasDeleteProtection: false },
        role: "member",
        orgId,
      });

      // UpdateIdentityRequest: identityId (the path's), name, hasDeleteProtection, role, metadata
      const update = { identityId: id, name: "tf-renamed", hasDeleteProtection: true, role: "viewer", metadata: [] };
      const updated = await call("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: update });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(updated.body.identity).toMatchObject({ id, name: "tf-renamed", hasDeleteProtection: true, metadata: [] });
      const otherId = crypto.randomUUID();
      const mismatched = await call("PATCH", `/api/v1/identities/${id}`, {
        token: adminToken,
        body: { ...update, identityId: otherId, name: "x" },
      });
      expect(mismatched.status).toBe(422);
      expect(mismatched.body.message).toEqual([
        expect.objectContaining({ path: ["identityId"], message: messages.pathParamMismatch("identityId") }),
      ]);
      const unknownKey = await call("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { ...update, orgId } });
      expect(unknownKey.status).toBe(422);

      // Import: GET by id
      const imported = await call("GET", `/api/v1/identities/${id}`, { token: adminToken });
      expect(imported.body.identity).toMatchObject({
        identity: { id, name: "tf-renamed", hasDeleteProtection: true },
        role: "viewer",
        metadata: [],
      });

      // DeleteIdentityRequest (identityId also in the body); delete protection first off, as Terraform would apply it.
      const unprotect = await call("PATCH", `/api/v1/identities/${id}`, {
        token: adminToken,
        body: { ...update, hasDeleteProtection: false },
      });
      expect(unprotect.status).toBe(200);
      const deleted = await call("DELETE", `/api/v1/identities/${id}`, { token: adminToken, body: { identityId: id } });
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
      expect(deleted.body.identity).toMatchObject({ id, name: "tf-renamed" });
      const gone = await call("GET", `/api/v1/identities/${id}`, { token: adminToken });
      expect(gone).toMatchObject({ status: 404, body: { message: messages.identityNotFound(id) } });
    });

    it("a non-UUID identity id answers 404 as a missing identity, on every identity-id path", async () => {
      for (const [method, path, body] of [
        ["GET", "/api/v1/identities/not-a-uuid", undefined],
        ["PATCH", "/api/v1/identities/not-a-uuid", { name: "x" }],
        ["DELETE", "/api/v1/identities/not-a-uuid", undefined],
        ["GET", "/api/v1/auth/oci-auth/identities/not-a-uuid", undefined],
        ["PATCH", "/api/v1/auth/oci-auth/identities/not-a-uuid", { accessTokenMaxTTL: 0 }],
        ["POST", "/api/v1/identities/not-a-uuid/access-tokens/revoke-all", {}],
      ] as const) {
        const res = await call(method, path, { token: adminToken, body });
        expect(res, `${method} ${path}`).toMatchObject({
          status: 404,
          body: { error: "NotFound", message: messages.identityNotFound("not-a-uuid") },
        });
      }
    });

    it("PATCH oci-auth with accessTokenMaxTTL 0 (no max TTL, as in Infisical): tokens renew beyond any max", async () => {
      const id = await identityWithOciAuth();
      const patched = await call("PATCH", `/api/v1/auth/oci-auth/identities/${id}`, {
        token: adminToken,
        body: { accessTokenTTL: 60, accessTokenMaxTTL: 0 },
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.identityOciAuth).toMatchObject({ accessTokenTTL: 60, accessTokenMaxTTL: 0 });
      const login = await call("POST", LOGIN, { body: goSdkLoginBody(id) });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      expect(login.body).toMatchObject({ expiresIn: 60, accessTokenMaxTTL: 0 });
      const renewed = await call("POST", "/api/v1/auth/token/renew", { body: { accessToken: login.body.accessToken } });
      expect(renewed.body).toMatchObject({ expiresIn: 60, accessTokenMaxTTL: 0 });
    });
  });
});
