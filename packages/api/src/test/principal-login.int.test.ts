import {
  apiKeyProvider,
  createTestApiKey,
  createTestOcid,
  instancePrincipalProvider,
  type OciStandIn,
  type RequestHeaders,
  resourcePrincipalEnv,
  resourcePrincipalProvider,
  signAuthenticateClient,
  signGetUserWithOciCommon,
  signInnerRequest,
  type StandInInstance,
  type StandInResource,
  startOciStandIn,
} from "@ociauth/oci-stand-in";
import { CHALLENGE_HEADER, messages, PRINCIPAL_LOGIN_PATH } from "@ociauth/schema";
import { createSign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { principalLoginMessages } from "../services/oci-auth/oci-principal-login-service";
import { createTestApp, type TestApp } from "./harness";

type AuthenticationDetailsProvider = Parameters<typeof signInnerRequest>[0];

/** An OCI signature (draft-cavage, rsa-sha256) over every given header and the request-target, as a custom signer may make it. */
function signWithHeaderList(
  key: { keyId: string; privateKeyPem: string },
  target: string,
  headers: Record<string, string>,
): RequestHeaders {
  const all: Record<string, string> = { "(request-target)": target, ...headers };
  const names = Object.keys(all);
  const signature = createSign("sha256")
    .update(names.map((name) => `${name}: ${all[name]}`).join("\n"))
    .sign(key.privateKeyPem, "base64");
  const authorization = `Signature version="1",keyId="${key.keyId}",algorithm="rsa-sha256",headers="${names.join(" ")}",signature="${signature}"`;
  return Object.fromEntries([...Object.entries(all), ["authorization", authorization]].map(([name, value]) => [name, [value]]));
}

const CHALLENGE = "/api/v1/auth/oci-auth/challenge";
const LOGIN = PRINCIPAL_LOGIN_PATH;
const SERVICE = "https://ociauth.example.com";
const authHost = (region: string) => `https://auth.${region}.oraclecloud.com`;

const tenancyOcid = createTestOcid("tenancy");
const compartment = createTestOcid("compartment");
const otherCompartment = createTestOcid("compartment");
const alice = { id: createTestOcid("user"), key: createTestApiKey() };
const instanceIn = (compartmentId: string, region = "us-ashburn-1", tenancyId = tenancyOcid): StandInInstance => ({
  id: createTestOcid("instance", region === "us-ashburn-1" ? "iad" : "fra"),
  compartmentId,
  tenancyId,
  region,
});
const web = instanceIn(compartment);
const frankfurt = instanceIn(compartment, "eu-frankfurt-1");
const sideline = instanceIn(otherCompartment);
const stranger = instanceIn(compartment, "us-ashburn-1", createTestOcid("tenancy"));
const fn: StandInResource = {
  id: createTestOcid("fnfunc", "iad"),
  compartmentId: compartment,
  tenancyId: tenancyOcid,
  region: "us-ashburn-1",
};

interface SignOptions {
  region?: string;
  /** The service URL the inner request is signed for (default: this service's PUBLIC_URL). */
  service?: string;
  /** Who signs the outer authenticateClient request (default: the inner request's signer). */
  outerSigner?: AuthenticationDetailsProvider;
  /** Bind the challenge in a signed x-ociauth-challenge header instead of the request-target. */
  viaHeader?: boolean;
  /** Change the inner request headers after signing (they are then no longer what was signed). */
  tamperInner?: (headers: RequestHeaders) => void;
  outerHost?: string;
}

describe("principal login: challenge-bound, verified by OCI's authenticateClient (oci-common providers, local OCI stand-in)", () => {
  let app: TestApp;
  let oci: OciStandIn;
  let adminToken: string;
  let orgId: string;
  let providers: {
    web: AuthenticationDetailsProvider;
    frankfurt: AuthenticationDetailsProvider;
    sideline: AuthenticationDetailsProvider;
    stranger: AuthenticationDetailsProvider;
    fn: AuthenticationDetailsProvider;
    alice: AuthenticationDetailsProvider;
  };
  let other: Awaited<ReturnType<TestApp["otherInstance"]>>;

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    oci = await startOciStandIn({
      users: [{ id: alice.id, compartmentId: tenancyOcid, name: "alice", publicKeys: [alice.key.publicKeyPem] }],
      instances: [web, frankfurt, sideline, stranger],
    });
    overrideConfigForTesting({
      OCI_AUTH_ENDPOINT: oci.url,
      OCI_IDENTITY_ENDPOINT: oci.url,
      OCI_REQUEST_TIMEOUT_MS: 2000,
      PUBLIC_URL: SERVICE,
    });
    providers = {
      web: await instancePrincipalProvider(oci, web.id),
      frankfurt: await instancePrincipalProvider(oci, frankfurt.id),
      sideline: await instancePrincipalProvider(oci, sideline.id),
      stranger: await instancePrincipalProvider(oci, stranger.id),
      fn: resourcePrincipalProvider(resourcePrincipalEnv(oci, fn)),
      alice: apiKeyProvider({
        tenancyOcid,
        userOcid: alice.id,
        fingerprint: alice.key.fingerprint,
        privateKeyPem: alice.key.privateKeyPem,
      }),
    };
    other = await app.otherInstance();
  });
  afterAll(async () => {
    await other?.close();
    await oci.close();
    await app.close();
  });

  async function identityWith(config: Record<string, unknown> = {}) {
    const id = await app.createIdentity(adminToken, orgId, "member");
    const res = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid, ...config } });
    expect(res.status).toBe(200);
    return id;
  }

  async function challengeFor(identityId: string): Promise<string> {
    const res = await app.rest("POST", CHALLENGE, { body: { identityId } });
    expect(res.status).toBe(200);
    expect(res.body.expiresIn).toBe(300);
    expect(res.headers.get("server-timing")).toMatch(/^app;dur=[\d.]+$/);
    return res.body.challenge as string;
  }

  /** What the workload sends: the inner request binds `challenge`, the outer asks OCI who signed it. */
  async function signedLogin(identityId: string, provider: AuthenticationDetailsProvider, challenge: string, options: SignOptions = {}) {
    const service = options.service ?? SERVICE;
    const inner = options.viaHeader
      ? await signInnerRequest(provider, { method: "GET", uri: `${service}${LOGIN}`, headers: { [CHALLENGE_HEADER]: challenge } })
      : await signInnerRequest(provider, { method: "GET", uri: `${service}${LOGIN}?challenge=${challenge}` });
    if (options.viaHeader) {
      // oci-common signs only its default headers: sign the challenge header too, as a custom signer would.
      expect(inner.authorization?.[0]).not.toContain(CHALLENGE_HEADER);
    }
    options.tamperInner?.(inner);
    const outer = await signAuthenticateClient(
      options.outerSigner ?? provider,
      options.outerHost ?? authHost(options.region ?? "us-ashburn-1"),
      inner,
    );
    return { identityId, authenticateClient: { headers: outer.headers, body: outer.body } };
  }

  const post = (body: unknown) => app.rest("POST", LOGIN, { body });

  async function login(identityId: string, provider: AuthenticationDetailsProvider, options: SignOptions = {}) {
    return post(await signedLogin(identityId, provider, await challengeFor(identityId), options));
  }

  async function lastEvent(identityId: string, eventType = "login-identity-oci-auth-failed") {
    const event = await app.db.auditEvent.findFirst({ where: { eventType, actorId: identityId }, orderBy: { createdAt: "desc" } });
    return event?.metadata as Record<string, unknown> | undefined;
  }

  async function expectRefused(
    res: { status: number; body: any },
    identityId: string,
    status: number,
    reasonCode: string,
    message?: string,
  ) {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (message) expect(res.body.message).toBe(message);
    expect(await lastEvent(identityId)).toMatchObject({ identityId, reasonCode });
  }

  /** The stand-in's authenticateClient calls so far (federation calls of the instance providers aside). */
  const authenticateClientCalls = () => oci.requests.filter((r) => r.url === "/v1/authentication/authenticateClient").length;

  const tokenRows = (identityId: string) => app.db.identityAccessToken.findMany({ where: { identityId }, orderBy: { createdAt: "asc" } });

  describe("logs in", () => {
    it("as an instance principal: the token and the audit record the instance, its compartment and region", async () => {
      const id = await identityWith({
        allowedPrincipalTypes: ["instance"],
        allowedCompartmentOcids: compartment,
        allowedRegions: "us-ashburn-1",
      });
      const before = oci.requests.length;
      const res = await login(id, providers.web, { region: "us-ashburn-1" });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(["accessToken", "accessTokenMaxTTL", "expiresIn", "tokenType"]);
      expect(res.headers.get("server-timing")).toMatch(/^app;dur=[\d.]+, oci;dur=[\d.]+$/);
      const calls = oci.requests.slice(before).filter((r) => r.url === "/v1/authentication/authenticateClient");
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ method: "POST", status: 200 });
      expect(calls[0]!.headers.host).toBe("auth.us-ashburn-1.oraclecloud.com");

      const [token] = await tokenRows(id);
      expect(token).toMatchObject({
        ociPrincipalType: "instance",
        ociPrincipalOcid: web.id,
        ociCompartmentOcid: compartment,
        ociRegion: "us-ashburn-1",
        ociUserOcid: null,
        loginIp: "127.0.0.1",
        authMethod: "oci-auth",
      });
      expect(await lastEvent(id, "login-identity-oci-auth")).toMatchObject({
        identityId: id,
        loginMethod: "principal",
        principalType: "instance",
        principalOcid: web.id,
        compartmentOcid: compartment,
        region: "us-ashburn-1",
      });
      const listed = await app.caller(adminToken).tokens.list({ identityId: id });
      expect(listed.tokens[0]).toMatchObject({
        ociPrincipalType: "instance",
        ociPrincipalOcid: web.id,
        ociCompartmentOcid: compartment,
        ociRegion: "us-ashburn-1",
      });
      const read = await app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token: res.body.accessToken });
      expect(read.status).toBe(200);
      expect(read.body.identityOciAuth).toMatchObject({ allowedPrincipalTypes: ["instance"], allowedCompartmentOcids: compartment });
    });

    it("as a resource principal (an OCI Function's RPST)", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["resource"], allowedPrincipalOcids: fn.id });
      const res = await login(id, providers.fn);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await tokenRows(id))[0]).toMatchObject({
        ociPrincipalType: "resource",
        ociPrincipalOcid: fn.id,
        ociCompartmentOcid: compartment,
      });
    });

    it("as a user with an API key, allowed by default (no principal rules set)", async () => {
      const id = await identityWith();
      const res = await login(id, providers.alice);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await tokenRows(id))[0]).toMatchObject({
        ociPrincipalType: "user",
        ociPrincipalOcid: alice.id,
        ociUserOcid: alice.id,
        ociCompartmentOcid: tenancyOcid,
      });
    });

    it("with organizationSlug: the identity's own → 200, unknown → 404, another organization's → 403", async () => {
      const id = await identityWith();
      const own = (await app.db.organization.findFirstOrThrow({ where: { identities: { some: { id } } } })).slug;
      const other = await app.otherOrganization("Principal Elsewhere");
      const otherSlug = (await app.db.organization.findUniqueOrThrow({ where: { id: other.orgId } })).slug;
      const withSlug = async (organizationSlug: string) =>
        post({ ...(await signedLogin(id, providers.alice, await challengeFor(id))), organizationSlug });
      expect((await withSlug(own)).status).toBe(200);
      await expectRefused(
        await withSlug("no-such-org"),
        id,
        404,
        "organization_not_found",
        messages.loginOrganizationNotFound("no-such-org"),
      );
      await expectRefused(await withSlug(otherSlug), id, 403, "organization_not_allowed", messages.loginOrganizationDenied(otherSlug));
      expect(await tokenRows(id)).toHaveLength(1);
    });

    it("with the challenge in a signed x-ociauth-challenge header (a custom signer's choice)", async () => {
      const id = await identityWith();
      const challenge = await challengeFor(id);
      const inner = signWithHeaderList(
        { keyId: `${tenancyOcid}/${alice.id}/${alice.key.fingerprint}`, privateKeyPem: alice.key.privateKeyPem },
        "get /anything",
        { date: new Date().toUTCString(), host: "ociauth.example.com", [CHALLENGE_HEADER]: challenge },
      );
      const outer = await signAuthenticateClient(providers.alice, authHost("us-ashburn-1"), inner);
      const res = await post({ identityId: id, authenticateClient: { headers: outer.headers, body: outer.body } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await lastEvent(id, "login-identity-oci-auth")).toMatchObject({ challengeBoundBy: "header", principalType: "user" });
    });
  });

  it("forwards to OCI only the headers the outer signature covers (plus authorization and content-type)", async () => {
    const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
    const signed = await signedLogin(id, providers.web, await challengeFor(id));
    const before = oci.requests.length;
    const res = await post({
      ...signed,
      authenticateClient: {
        ...signed.authenticateClient,
        headers: { ...signed.authenticateClient.headers, "x-forwarded-for": "203.0.113.9", cookie: "a=b" },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [call] = oci.requests.slice(before);
    expect(call!.headers).not.toHaveProperty("x-forwarded-for");
    expect(call!.headers).not.toHaveProperty("cookie");
    expect(call!.headers["content-length"]).toBe(String(Buffer.byteLength(signed.authenticateClient.body)));
  });

  describe("replay", () => {
    it("a captured login is refused again, for another identity, and on another instance", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const otherIdentity = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const captured = await signedLogin(id, providers.web, await challengeFor(id));
      expect((await post(captured)).status).toBe(200);

      await expectRefused(await post(captured), id, 401, "challenge_reused", principalLoginMessages.challengeReused);
      await expectRefused(await post({ ...captured, identityId: otherIdentity }), otherIdentity, 401, "challenge_other_identity");
      await expect(other.caller.ociAuth.loginPrincipal(captured)).rejects.toMatchObject({
        code: "UNAUTHORIZED",
        message: principalLoginMessages.challengeReused,
      });
      expect(await tokenRows(id)).toHaveLength(1);
      expect(await tokenRows(otherIdentity)).toHaveLength(0);
    });

    it("a challenge raced by two instances is consumed once", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const signed = await signedLogin(id, providers.web, await challengeFor(id));
      const results = await Promise.allSettled([
        app.caller().ociAuth.loginPrincipal(signed),
        other.caller.ociAuth.loginPrincipal(signed),
        app.caller().ociAuth.loginPrincipal(signed),
        other.caller.ociAuth.loginPrincipal(signed),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results.filter((r) => r.status === "rejected")) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ message: principalLoginMessages.challengeReused });
      }
      expect(await tokenRows(id)).toHaveLength(1);
    });
  });

  describe("refuses, with a 4xx and an audit reason code", () => {
    it("an unknown challenge", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const res = await post(await signedLogin(id, providers.web, "A".repeat(43)));
      await expectRefused(res, id, 401, "challenge_unknown", principalLoginMessages.challengeUnknown);
    });

    it("an expired challenge", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const challenge = await challengeFor(id);
      await app.db.ociLoginChallenge.updateMany({ where: { identityId: id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      await expectRefused(
        await post(await signedLogin(id, providers.web, challenge)),
        id,
        401,
        "challenge_expired",
        principalLoginMessages.challengeExpired,
      );
    });

    it("a challenge of another identity (which stays usable by its own)", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const owner = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const challenge = await challengeFor(owner);
      await expectRefused(
        await post(await signedLogin(id, providers.web, challenge)),
        id,
        401,
        "challenge_other_identity",
        principalLoginMessages.challengeOtherIdentity,
      );
      expect((await post(await signedLogin(owner, providers.web, challenge))).status).toBe(200);
    });

    it("an inner request whose signature does not cover the challenge", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const challenge = await challengeFor(id);
      const unsignedHeader = await signedLogin(id, providers.web, challenge, {
        tamperInner: (inner) => {
          inner["(request-target)"] = [`get /somewhere-else`];
          inner[CHALLENGE_HEADER] = [challenge];
        },
      });
      const before = oci.requests.length;
      await expectRefused(await post(unsignedHeader), id, 400, "challenge_not_signed", principalLoginMessages.challengeNotSigned);
      expect(oci.requests.length).toBe(before);
      const noSignature = await signedLogin(id, providers.web, challenge, { tamperInner: (inner) => void delete inner.authorization });
      await expectRefused(await post(noSignature), id, 400, "invalid_signature", principalLoginMessages.innerSignatureMissing);
    });

    it("a principal type the identity does not allow (users only by default)", async () => {
      const id = await identityWith();
      const res = await login(id, providers.web);
      await expectRefused(res, id, 401, "principal_type_not_allowed");
      expect(res.body.message).toContain('Add "instance" to allowedPrincipalTypes');
      expect(await lastEvent(id)).toMatchObject({ principalOcid: web.id });
    });

    it("a principal of another tenancy", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      await expectRefused(await login(id, providers.stranger), id, 401, "tenancy_not_allowed");
    });

    it("a compartment, principal or region that is not allowed", async () => {
      const byCompartment = await identityWith({ allowedPrincipalTypes: ["instance"], allowedCompartmentOcids: compartment });
      await expectRefused(await login(byCompartment, providers.sideline), byCompartment, 401, "compartment_not_allowed");
      const byPrincipal = await identityWith({ allowedPrincipalTypes: ["instance"], allowedPrincipalOcids: web.id });
      await expectRefused(await login(byPrincipal, providers.sideline), byPrincipal, 401, "principal_not_allowed");
      const byRegion = await identityWith({ allowedPrincipalTypes: ["instance"], allowedRegions: "us-ashburn-1" });
      await expectRefused(await login(byRegion, providers.frankfurt, { region: "eu-frankfurt-1" }), byRegion, 401, "region_not_allowed");
      expect((await login(byRegion, providers.web, { region: "us-ashburn-1" })).status).toBe(200);
    });

    it("a user when allowedUsernames is set (the principal login cannot read usernames)", async () => {
      const id = await identityWith({ allowedUsernames: "alice" });
      await expectRefused(await login(id, providers.alice), id, 401, "username_not_allowed");
    });

    it("OCI's success: false, with its errorMessage", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const res = await login(id, providers.web, {
        tamperInner: (inner) => void (inner["x-date"] = [new Date(Date.now() - 1000).toUTCString()]),
      });
      await expectRefused(res, id, 401, "oci_rejected");
      expect(res.body.message).toMatch(/^Access denied: OCI did not authenticate the signed request: .+/);
    });

    it("OCI refusing the outer request (401)", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const signed = await signedLogin(id, providers.web, await challengeFor(id));
      signed.authenticateClient.headers["x-content-sha256"] = Buffer.alloc(32).toString("base64");
      const res = await post(signed);
      await expectRefused(res, id, 401, "oci_rejected");
      expect(res.body.message).toContain("(401 NotAuthenticated)");
    });

    it("OCI throttling: 503 with Retry-After, and the same login may be sent again", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const signed = await signedLogin(id, providers.web, await challengeFor(id));
      oci.injectFailure({ endpoint: "authenticateClient", status: 429 });
      const res = await post(signed);
      await expectRefused(res, id, 503, "oci_throttled");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await post(signed)).status).toBe(200);
    });

    it("OCI failing or unreachable: 502", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      oci.injectFailure({ endpoint: "authenticateClient", status: 500 });
      await expectRefused(
        await login(id, providers.web),
        id,
        502,
        "oci_unreachable",
        "Could not reach OCI's auth endpoint. Try again later.",
      );
      overrideConfigForTesting({ OCI_AUTH_ENDPOINT: "http://127.0.0.1:9" });
      try {
        await expectRefused(await login(id, providers.web), id, 502, "oci_unreachable");
      } finally {
        overrideConfigForTesting({ OCI_AUTH_ENDPOINT: oci.url });
      }
    });

    it.each([
      "auth.us-ashburn-1.oraclecloud.com.evil.io",
      "identity.us-ashburn-1.oraclecloud.com",
      "127.0.0.1",
      "auth.us-ashburn-1.oraclecloud.com:8443",
    ])("an outer host %s (400, OCI never called)", async (host) => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const before = oci.requests.length;
      const res = await login(id, providers.web, { outerHost: `https://${host}` });
      await expectRefused(res, id, 400, "invalid_host", principalLoginMessages.invalidHost);
      expect(oci.requests.length).toBe(before);
    });

    it("an identity without OCI auth (404), for the challenge and the login", async () => {
      const id = await app.createIdentity(adminToken, orgId, "member");
      const challenge = await app.rest("POST", CHALLENGE, { body: { identityId: id } });
      expect(challenge.status).toBe(404);
      const res = await post(await signedLogin(id, providers.web, "A".repeat(43)));
      await expectRefused(res, id, 404, "oci_auth_not_configured");
    });

    it("malformed bodies with 422 and nothing written", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const signed = await signedLogin(id, providers.web, await challengeFor(id));
      const { host: _host, ...noHost } = signed.authenticateClient.headers;
      const res = await post({ ...signed, authenticateClient: { ...signed.authenticateClient, headers: noHost } });
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body.message)).toContain('The \\"host\\" header of the signed authenticateClient request is required');
      const bad = await post({ ...signed, authenticateClient: { ...signed.authenticateClient, body: "not json" } });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe(principalLoginMessages.contentLengthMismatch);
      expect(await tokenRows(id)).toHaveLength(0);
      expect((await post(signed)).status).toBe(200);
    });
  });

  describe("bound to this service: signed for its PUBLIC_URL, by one principal, from the principal's own region", () => {
    it("refuses a workload's login to another deployment relayed here (401 wrong_audience, OCI never called, challenge kept)", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const challenge = await challengeFor(id);
      const before = authenticateClientCalls();
      for (const service of ["https://staging.ociauth.example.com", "https://ociauth.example.com:8443", "http://127.0.0.1:3000"]) {
        const res = await post(await signedLogin(id, providers.web, challenge, { service }));
        await expectRefused(res, id, 401, "wrong_audience", principalLoginMessages.wrongAudience(new URL(service).host, SERVICE));
      }
      expect(authenticateClientCalls()).toBe(before);
      // The refusal depends on the signed bytes only: the challenge is still the workload's.
      expect((await post(await signedLogin(id, providers.web, challenge))).status).toBe(200);
    });

    it("refuses an inner request whose signature does not cover its host", async () => {
      const id = await identityWith();
      const inner = signWithHeaderList(
        { keyId: `${tenancyOcid}/${alice.id}/${alice.key.fingerprint}`, privateKeyPem: alice.key.privateKeyPem },
        `get ${LOGIN}?challenge=${await challengeFor(id)}`,
        { date: new Date().toUTCString() },
      );
      inner.host = ["ociauth.example.com"];
      const outer = await signAuthenticateClient(providers.alice, authHost("us-ashburn-1"), inner);
      const res = await post({ identityId: id, authenticateClient: { headers: outer.headers, body: outer.body } });
      await expectRefused(res, id, 401, "wrong_audience", principalLoginMessages.innerHostNotSigned(SERVICE));
    });

    it("refuses another principal's outer request around a workload's inner request (401 signer_mismatch, OCI never called)", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["instance", "user"] });
      const challenge = await challengeFor(id);
      const before = authenticateClientCalls();
      // Another deployment (its own instance, or its API key user) wraps the victim's signed inner request.
      for (const [relay, relayOcid] of [
        [providers.sideline, sideline.id],
        [providers.alice, alice.id],
      ] as const) {
        const res = await post(await signedLogin(id, providers.web, challenge, { outerSigner: relay }));
        await expectRefused(res, id, 401, "signer_mismatch", principalLoginMessages.signerMismatch(relayOcid, web.id));
      }
      // And the other way round: a workload cannot present another principal's inner request as its own.
      const res = await post(await signedLogin(id, providers.alice, challenge, { outerSigner: providers.web }));
      await expectRefused(res, id, 401, "signer_mismatch", principalLoginMessages.signerMismatch(web.id, alice.id));
      expect(authenticateClientCalls()).toBe(before);
      expect(await tokenRows(id)).toHaveLength(0);
      expect((await post(await signedLogin(id, providers.web, challenge))).status).toBe(200);
    });

    it.each(["get //[", "get //evil.example.com" + LOGIN, "get https://ociauth.example.com" + LOGIN, "get *", "get /\u0001"])(
      "answers a malformed inner request-target %j with 400 and a failed-login event, never 500",
      async (target) => {
        const id = await identityWith();
        const inner = signWithHeaderList(
          { keyId: `${tenancyOcid}/${alice.id}/${alice.key.fingerprint}`, privateKeyPem: alice.key.privateKeyPem },
          target,
          { date: new Date().toUTCString(), host: "ociauth.example.com", [CHALLENGE_HEADER]: await challengeFor(id) },
        );
        const outer = await signAuthenticateClient(providers.alice, authHost("us-ashburn-1"), inner);
        const res = await post({ identityId: id, authenticateClient: { headers: outer.headers, body: outer.body } });
        await expectRefused(res, id, 400, "invalid_headers", principalLoginMessages.innerTargetMalformed);
        expect(res.body).toMatchObject({ statusCode: 400, error: "BadRequest" });
      },
    );

    it("answers hostile inner host and keyId values with a 4xx and a failed-login event, never 500", async () => {
      const id = await identityWith();
      const aliceKey = { keyId: `${tenancyOcid}/${alice.id}/${alice.key.fingerprint}`, privateKeyPem: alice.key.privateKeyPem };
      const send = async (inner: RequestHeaders) => {
        const outer = await signAuthenticateClient(providers.alice, authHost("us-ashburn-1"), inner);
        return post({ identityId: id, authenticateClient: { headers: outer.headers, body: outer.body } });
      };
      const target = `get ${LOGIN}?challenge=${await challengeFor(id)}`;
      const nulHost = await send(
        signWithHeaderList(aliceKey, target, { date: new Date().toUTCString(), host: "ociauth.example.com\u0000" }),
      );
      await expectRefused(nulHost, id, 401, "wrong_audience", principalLoginMessages.wrongAudience("ociauth.example.com\u0000", SERVICE));
      const payload = Buffer.from(JSON.stringify({ sub: "ocid1.instance.oc1.iad.\u0000" })).toString("base64url");
      const nulSub = await send(
        signWithHeaderList({ ...aliceKey, keyId: `ST$eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln` }, target, {
          date: new Date().toUTCString(),
          host: "ociauth.example.com",
        }),
      );
      await expectRefused(nulSub, id, 400, "invalid_signature", principalLoginMessages.keyIdUnreadable("inner"));
    });

    it("takes the region from the instance, not from the host it signed for (401 region_mismatch)", async () => {
      const frankfurtOnly = await identityWith({ allowedPrincipalTypes: ["instance"], allowedRegions: "eu-frankfurt-1" });
      // An instance in us-ashburn-1 (its OCID says iad) signs for Frankfurt's auth host.
      const res = await login(frankfurtOnly, providers.web, { region: "eu-frankfurt-1" });
      await expectRefused(res, frankfurtOnly, 401, "region_mismatch");
      expect(res.body.message).toBe(
        `Access denied: ${web.id} is in region us-ashburn-1, but its login was signed for region eu-frankfurt-1. Sign the authenticateClient request for the principal's own region (auth.us-ashburn-1.oraclecloud.com).`,
      );
      expect(await lastEvent(frankfurtOnly)).toMatchObject({ principalOcid: web.id });
      // Without any region rule too: the signed host must be the principal's region.
      const anyRegion = await identityWith({ allowedPrincipalTypes: ["instance"] });
      await expectRefused(await login(anyRegion, providers.web, { region: "eu-frankfurt-1" }), anyRegion, 401, "region_mismatch");
      // The Frankfurt instance itself is let in, and recorded in its region.
      expect((await login(frankfurtOnly, providers.frankfurt, { region: "eu-frankfurt-1" })).status).toBe(200);
      expect((await tokenRows(frankfurtOnly))[0]).toMatchObject({ ociPrincipalOcid: frankfurt.id, ociRegion: "eu-frankfurt-1" });
    });

    it("refuses users under a region rule, with the reason: a user has no region (both logins)", async () => {
      const id = await identityWith({ allowedPrincipalTypes: ["user", "instance"], allowedRegions: "us-ashburn-1" });
      const res = await login(id, providers.alice, { region: "us-ashburn-1" });
      await expectRefused(res, id, 401, "region_not_allowed");
      expect(res.body.message).toContain("an OCI user has no region (only instances and resources do)");
      const infisical = await app.rest("POST", "/api/v1/auth/oci-auth/login", {
        body: {
          identityId: id,
          userOcid: alice.id,
          headers: await signGetUserWithOciCommon({
            tenancyOcid,
            userOcid: alice.id,
            fingerprint: alice.key.fingerprint,
            privateKeyPem: alice.key.privateKeyPem,
          }),
        },
      });
      await expectRefused(infisical, id, 401, "region_not_allowed");
      expect((await login(id, providers.web, { region: "us-ashburn-1" })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // one key signs identically within one second
    });
  });

  describe("the Infisical login follows the principal rules too", () => {
    const signUser = () =>
      signGetUserWithOciCommon({
        tenancyOcid,
        userOcid: alice.id,
        fingerprint: alice.key.fingerprint,
        privateKeyPem: alice.key.privateKeyPem,
      });

    it("refuses users when only instances may log in, and records the principal on success", async () => {
      const instancesOnly = await identityWith({ allowedPrincipalTypes: ["instance"] });
      const refused = await app.rest("POST", "/api/v1/auth/oci-auth/login", {
        body: { identityId: instancesOnly, userOcid: alice.id, headers: await signUser() },
      });
      await expectRefused(refused, instancesOnly, 401, "principal_type_not_allowed");

      const users = await identityWith();
      await new Promise((resolve) => setTimeout(resolve, 1000)); // one key signs identically within one second
      const ok = await app.rest("POST", "/api/v1/auth/oci-auth/login", {
        body: { identityId: users, userOcid: alice.id, headers: await signUser() },
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect((await tokenRows(users))[0]).toMatchObject({
        ociPrincipalType: "user",
        ociPrincipalOcid: alice.id,
        ociRegion: "us-ashburn-1",
        ociUsername: "alice",
      });
    });
  });
});
