import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { SimpleAuthenticationDetailsProvider, type AuthenticationDetailsProvider } from "oci-common";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTestApiKey,
  createTestOcid,
  httpGetRaw,
  httpRequestRaw,
  instancePrincipalProvider,
  resourcePrincipalEnv,
  resourcePrincipalProvider,
  signAuthenticateClient,
  signInnerRequest,
  signWithOciCommon,
  startOciStandIn,
  toRequestHeaders,
  type AuthenticateClientResult,
  type OciStandIn,
  type RawResponse,
  type RequestHeaders,
  type StandInInstance,
  type StandInResource,
} from "./index.js";
import { signJwt } from "./jwt.js";
import { sessionJwk } from "./security-tokens.js";
import { buildCertificate } from "./x509-builder.js";

const tenancy = createTestOcid("tenancy");
const compartment = createTestOcid("compartment");
const alice = { id: createTestOcid("user"), key: createTestApiKey() };
const instance: StandInInstance = {
  id: createTestOcid("instance", "iad"),
  compartmentId: compartment,
  tenancyId: tenancy,
  region: "us-ashburn-1",
  displayName: "web-1",
};
const otherInstance: StandInInstance = {
  id: createTestOcid("instance", "fra"),
  compartmentId: tenancy,
  tenancyId: tenancy,
  region: "eu-frankfurt-1",
};
const fnFunction: StandInResource = {
  id: createTestOcid("fnfunc", "iad"),
  compartmentId: compartment,
  tenancyId: tenancy,
  region: "us-ashburn-1",
};

/** The request the workload signs for the app's login; the app forwards its headers. */
const LOGIN_URI = "https://ociauth.example.com/api/v1/auth/oci-auth/login";

let standIn: OciStandIn;
let aliceProvider: SimpleAuthenticationDetailsProvider;

beforeAll(async () => {
  standIn = await startOciStandIn({
    users: [{ id: alice.id, compartmentId: tenancy, name: "alice", publicKeys: [alice.key.publicKeyPem] }],
    instances: [instance, otherInstance],
  });
  aliceProvider = new SimpleAuthenticationDetailsProvider(tenancy, alice.id, alice.key.fingerprint, alice.key.privateKeyPem, null);
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.requests.length = 0;
});

function imds(path: string, headers: Record<string, string> = { authorization: "Bearer Oracle" }): Promise<RawResponse> {
  return httpGetRaw(`${standIn.url}${path}`, headers);
}

async function authenticateClient(
  requestHeaders: RequestHeaders,
  outer: AuthenticationDetailsProvider = aliceProvider,
): Promise<RawResponse> {
  const signed = await signAuthenticateClient(outer, standIn.url, requestHeaders);
  return httpRequestRaw("POST", signed.url, signed.headers, signed.body);
}

async function authenticateInner(inner: AuthenticationDetailsProvider, date?: Date): Promise<AuthenticateClientResult> {
  const res = await authenticateClient(await signInnerRequest(inner, { method: "POST", uri: LOGIN_URI, body: '{"challenge":"c1"}', date }));
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as AuthenticateClientResult;
}

function claimsOf(result: AuthenticateClientResult): Record<string, string> {
  expect(result.principal).not.toBeNull();
  for (const claim of result.principal!.claims) expect(claim.issuer).toBe("authService.oracle.com");
  return Object.fromEntries(result.principal!.claims.map((claim) => [claim.key, claim.value]));
}

function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** A provider whose keyId is `ST$<token>`, for tokens oci-common would never build itself. */
function tokenProvider(token: string, privateKeyPem: string): AuthenticationDetailsProvider {
  return { getKeyId: async () => `ST$${token}`, getPrivateKey: () => privateKeyPem, getPassphrase: () => null };
}

describe("instance metadata service (/opc/v2)", () => {
  it("requires Authorization: Bearer Oracle", async () => {
    const res = await imds("/opc/v2/instance/", {});
    expect(res.status).toBe(401);
    expect(res.body).toMatch(/Bearer Oracle/);
  });

  it("describes the default instance and serves its region short code", async () => {
    const res = await imds("/opc/v2/instance/");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      id: instance.id,
      compartmentId: compartment,
      tenantId: tenancy,
      canonicalRegionName: "us-ashburn-1",
      region: "iad",
      displayName: "web-1",
      regionInfo: { realmKey: "oc1", regionKey: "IAD", regionIdentifier: "us-ashburn-1" },
    });
    expect((await imds("/opc/v2/instance/region")).body).toBe("iad");
    expect((await imds("/opc/v2/instance/canonicalRegionName")).body).toBe("us-ashburn-1");
  });

  it("serves every declared instance under /imds/<ocid>/opc/v2/ and 404s unknown ones", async () => {
    const base = new URL(standIn.instanceMetadataUrl(otherInstance.id)).pathname;
    expect(JSON.parse((await imds(`${base}instance/`)).body)).toMatchObject({ id: otherInstance.id, region: "fra" });
    expect((await imds(`/imds/${createTestOcid("instance", "iad")}/opc/v2/instance/`)).status).toBe(404);
    expect((await imds("/opc/v2/identity/nope.pem")).status).toBe(404);
  });

  it("serves an X.509 identity certificate with OCI's opc-* subject, issued by the intermediate it serves", async () => {
    const cert = new X509Certificate((await imds("/opc/v2/identity/cert.pem")).body);
    const intermediate = new X509Certificate((await imds("/opc/v2/identity/intermediate.pem")).body);
    const keyPem = (await imds("/opc/v2/identity/key.pem")).body;
    expect(cert.subject.split("\n")).toEqual([
      `CN=${instance.id}`,
      "OU=opc-certtype:instance",
      `OU=opc-compartment:${compartment}`,
      `OU=opc-instance:${instance.id}`,
      `OU=opc-tenant:${tenancy}`,
    ]);
    expect(cert.verify(intermediate.publicKey)).toBe(true);
    expect(cert.checkIssued(intermediate)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(intermediate.toString()).toBe(new X509Certificate(standIn.intermediateCertificatePem).toString());
  });
});

describe("regional OCIDs", () => {
  it("writes the region key into a test OCID, and refuses a principal whose OCID names another region", async () => {
    expect(createTestOcid("instance", "us-ashburn-1")).toMatch(/^ocid1\.instance\.oc1\.iad\.aaaaaaaa[a-z2-7]{52}$/);
    expect(createTestOcid("fnfunc", "ap-mumbai-1")).toMatch(/^ocid1\.fnfunc\.oc1\.bom\./);
    const misplaced = { id: createTestOcid("instance", "fra"), compartmentId: compartment, tenancyId: tenancy, region: "us-ashburn-1" };
    expect(() => standIn.addInstance(misplaced)).toThrow(/does not carry the region of us-ashburn-1.*ocid1\.<type>\.oc1\.iad\./);
    expect(() => standIn.issueResourcePrincipalToken({ ...fnFunction, region: "eu-frankfurt-1" }, alice.key.publicKeyPem)).toThrow(
      /does not carry the region of eu-frankfurt-1/,
    );
    standIn.addInstance({ ...misplaced, id: `ocid1.instance.oc1.us-ashburn-1.${"a".repeat(60)}` });
  });
});

describe("instance principals with oci-common's real builder", () => {
  it("federates through POST /v1/x509 and gets an OCI-shaped instance token bound to its session key", async () => {
    const provider = await instancePrincipalProvider(standIn, instance.id);
    const keyId = await provider.getKeyId();
    expect(keyId).toMatch(/^ST\$ey/);
    const claims = jwtClaims(keyId.slice(3));
    expect(claims).toMatchObject({
      sub: instance.id,
      ptype: "instance",
      ttype: "x509",
      "opc-certtype": "instance",
      "opc-instance": instance.id,
      "opc-compartment": compartment,
      "opc-tenant": tenancy,
      tenant: tenancy,
      iss: "authService.oracle.com",
      aud: "oci",
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(1200);
    const sessionPublicKey = createPublicKey(provider.getPrivateKey());
    expect(JSON.parse(claims.jwk as string)).toMatchObject({ kty: "RSA", n: sessionPublicKey.export({ format: "jwk" }).n, e: "AQAB" });
    const federation = standIn.requests.find((request) => request.url === "/v1/x509");
    expect(federation).toMatchObject({ method: "POST", status: 200 });
    expect(String(federation?.headers.authorization)).toMatch(new RegExp(`keyId="${tenancy}/fed-x509/[0-9a-f:]+"`));
  });

  it("signs a login request that authenticateClient accepts as ptype instance", async () => {
    const result = await authenticateInner(await instancePrincipalProvider(standIn, instance.id));
    expect(result).toMatchObject({ success: true, errorMessage: null, principal: { tenantId: tenancy, subjectId: instance.id } });
    const claims = claimsOf(result);
    expect(claims).toMatchObject({
      ptype: "instance",
      sub: instance.id,
      "opc-instance": instance.id,
      "opc-compartment": compartment,
      "opc-tenant": tenancy,
      tenant: tenancy,
      "h_(request-target)": "post /api/v1/auth/oci-auth/login",
      h_host: "ociauth.example.com",
      "h_x-content-sha256": expect.any(String),
    });
    expect(claims).not.toHaveProperty("jwk");
  });

  it("accepts an instance principal as the outer (calling) principal too", async () => {
    const provider = await instancePrincipalProvider(standIn, otherInstance.id);
    const res = await authenticateClient(await signInnerRequest(aliceProvider, { method: "GET", uri: LOGIN_URI }), provider);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ success: true, principal: { subjectId: alice.id } });
  });

  it("refuses an identity certificate the stand-in did not issue", async () => {
    const key = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = buildCertificate({
      subject: [
        { type: "OU", value: `opc-instance:${instance.id}` },
        { type: "OU", value: `opc-tenant:${tenancy}` },
      ],
      issuer: [{ type: "CN", value: "PKISVC Identity Intermediate r2 (stand-in)" }],
      subjectPublicKey: key.publicKey,
      issuerPrivateKey: key.privateKey,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3_600_000),
      ca: false,
    });
    const der = (pem: string) => pem.replace(/-----[A-Z ]+-----|\n/g, "");
    const body = JSON.stringify({
      certificate: der(forged),
      publicKey: "",
      intermediateCertificates: [der(standIn.intermediateCertificatePem)],
    });
    const res = await httpRequestRaw("POST", `${standIn.url}/v1/x509`, { "content-type": "application/json" }, body);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ code: "NotAuthenticated" });
    expect(standIn.requests[0]?.reason).toMatch(/not issued by the stand-in/);
  });
});

describe("resource principals with oci-common's real provider", () => {
  it("signs with an inline RPST and is accepted as ptype resource", async () => {
    const env = resourcePrincipalEnv(standIn, fnFunction);
    expect(env).toMatchObject({ OCI_RESOURCE_PRINCIPAL_VERSION: "2.2", OCI_RESOURCE_PRINCIPAL_REGION: "us-ashburn-1" });
    const result = await authenticateInner(resourcePrincipalProvider(env));
    expect(result).toMatchObject({ success: true, principal: { tenantId: tenancy, subjectId: fnFunction.id } });
    expect(claimsOf(result)).toMatchObject({
      ptype: "resource",
      sub: fnFunction.id,
      res_type: "fnfunc",
      res_id: fnFunction.id,
      res_compartment: compartment,
      res_tenant: tenancy,
      tenant: tenancy,
    });
    expect(process.env.OCI_RESOURCE_PRINCIPAL_RPST).toBeUndefined();
  });

  it("reads the RPST from a file when OCI_RESOURCE_PRINCIPAL_RPST is a path", async () => {
    const env = resourcePrincipalEnv(standIn, { ...fnFunction, type: "computecontainerinstance" }, { rpstInFile: true });
    expect(env.OCI_RESOURCE_PRINCIPAL_RPST).toMatch(/^\//);
    expect(jwtClaims(readFileSync(env.OCI_RESOURCE_PRINCIPAL_RPST!, "utf8"))).toMatchObject({ res_type: "computecontainerinstance" });
    const provider = resourcePrincipalProvider(env);
    expect(provider.getRegion().regionId).toBe("us-ashburn-1");
    const result = await authenticateInner(provider);
    expect(claimsOf(result)).toMatchObject({ ptype: "resource", res_type: "computecontainerinstance" });
  });

  it("answers success: false for an expired RPST", async () => {
    const env = resourcePrincipalEnv(standIn, fnFunction, { expiresAt: new Date(Date.now() - 1000) });
    const result = await authenticateInner(resourcePrincipalProvider(env));
    expect(result).toEqual({ principal: null, success: false, errorMessage: "security token has expired" });
  });
});

describe("POST /v1/authentication/authenticateClient", () => {
  it("accepts an API-key signed inner request as ptype user", async () => {
    const result = await authenticateInner(aliceProvider);
    expect(result).toMatchObject({ success: true, principal: { tenantId: tenancy, subjectId: alice.id } });
    expect(claimsOf(result)).toMatchObject({ ptype: "user", sub: alice.id, tenant: tenancy, fprint: alice.key.fingerprint });
  });

  it("accepts requestHeaders a server rebuilt from the headers a client sent it", async () => {
    const clientHeaders = await signWithOciCommon(aliceProvider, { method: "POST", uri: LOGIN_URI, body: "{}" });
    const sentByGo = Object.fromEntries(
      Object.entries(clientHeaders).map(([name, value]) => [name.replace(/^./, (c) => c.toUpperCase()), value]),
    );
    const result = JSON.parse((await authenticateClient(toRequestHeaders("POST", "/api/v1/auth/oci-auth/login", sentByGo))).body);
    expect(result).toMatchObject({ success: true, principal: { subjectId: alice.id } });
    const wrongPath = JSON.parse((await authenticateClient(toRequestHeaders("POST", "/api/v1/other", clientHeaders))).body);
    expect(wrongPath).toEqual({ principal: null, success: false, errorMessage: "signature does not verify" });
  });

  it("keeps headers the signature does not cover out of the h_* claims", async () => {
    const requestHeaders = await signInnerRequest(aliceProvider, { method: "GET", uri: LOGIN_URI });
    requestHeaders["x-challenge"] = ["not-signed"];
    const res = await authenticateClient(requestHeaders);
    const claims = claimsOf(JSON.parse(res.body) as AuthenticateClientResult);
    expect(claims["h_x-date"]).toBe(requestHeaders["x-date"]![0]);
    expect(claims).not.toHaveProperty("h_x-challenge");
  });

  it("refuses an inner request whose signature does not cover host", async () => {
    const date = new Date().toUTCString();
    const signingString = `(request-target): get /api/v1/auth/oci-auth/login\nx-date: ${date}`;
    const signature = createSign("sha256").update(signingString).sign(alice.key.privateKeyPem, "base64");
    const keyId = `${tenancy}/${alice.id}/${alice.key.fingerprint}`;
    const res = await authenticateClient({
      "(request-target)": ["get /api/v1/auth/oci-auth/login"],
      host: ["ociauth.example.com"],
      "x-date": [date],
      authorization: [
        `Signature version="1",headers="(request-target) x-date",keyId="${keyId}",algorithm="rsa-sha256",signature="${signature}"`,
      ],
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ success: false, principal: null, errorMessage: expect.stringMatching(/host/) });
  });

  it("refuses an inner request without (request-target)", async () => {
    const { "(request-target)": _target, ...rest } = await signInnerRequest(aliceProvider, { method: "GET", uri: LOGIN_URI });
    const res = await authenticateClient(rest);
    expect(JSON.parse(res.body)).toMatchObject({ success: false, errorMessage: expect.stringMatching(/request-target/) });
  });

  it("refuses an inner request signed more than 5 minutes ago", async () => {
    const result = await authenticateInner(aliceProvider, new Date(Date.now() - 6 * 60_000));
    expect(result).toMatchObject({
      success: false,
      principal: null,
      errorMessage: expect.stringMatching(/clock skew of 36\ds on x-date exceeds 300s/),
    });
  });

  it("refuses a token signed by another key", async () => {
    const session = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      {
        sub: instance.id,
        ptype: "instance",
        tenant: tenancy,
        "opc-instance": instance.id,
        iat: now,
        exp: now + 600,
        jwk: sessionJwk(session.publicKey),
      },
      forger.privateKey,
    );
    const result = await authenticateInner(tokenProvider(token, session.privateKey.export({ type: "pkcs8", format: "pem" }).toString()));
    expect(result).toEqual({ principal: null, success: false, errorMessage: "security token was not issued by this stand-in" });
  });

  it("refuses a stand-in token used with a key other than its session key", async () => {
    const real = resourcePrincipalEnv(standIn, fnFunction);
    const stolenToken = real.OCI_RESOURCE_PRINCIPAL_RPST!;
    const thief = createTestApiKey();
    const result = await authenticateInner(tokenProvider(stolenToken, thief.privateKeyPem));
    expect(result).toEqual({ principal: null, success: false, errorMessage: "signature does not verify" });
  });

  it("refuses with 401 an outer body changed after signing", async () => {
    const signed = await signAuthenticateClient(
      aliceProvider,
      standIn.url,
      await signInnerRequest(aliceProvider, { method: "GET", uri: LOGIN_URI }),
    );
    const tampered = signed.body.replace("oci-auth", "oci-xxxx");
    expect(tampered.length).toBe(signed.body.length);
    const res = await httpRequestRaw("POST", signed.url, signed.headers, tampered);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ code: "NotAuthenticated" });
    expect(standIn.requests[0]?.reason).toBe("outer request: x-content-sha256 does not match the body");
    expect(standIn.requests[0]?.body).toBe(tampered);
  });

  it("refuses with 401 an outer request whose x-content-sha256 was swapped", async () => {
    const signed = await signAuthenticateClient(
      aliceProvider,
      standIn.url,
      await signInnerRequest(aliceProvider, { method: "GET", uri: LOGIN_URI }),
    );
    const res = await httpRequestRaw(
      "POST",
      signed.url,
      { ...signed.headers, "x-content-sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
      signed.body,
    );
    expect(res.status).toBe(401);
    expect(standIn.requests[0]?.reason).toBe("outer request: signature does not verify");
  });

  it("refuses with 401 an outer request signed more than 5 minutes ago", async () => {
    const inner = await signInnerRequest(aliceProvider, { method: "GET", uri: LOGIN_URI });
    const signed = await signAuthenticateClient(aliceProvider, standIn.url, inner, { date: new Date(Date.now() - 6 * 60_000) });
    const res = await httpRequestRaw("POST", signed.url, signed.headers, signed.body);
    expect(res.status).toBe(401);
    expect(standIn.requests[0]?.reason).toMatch(/^outer request: clock skew of 36\ds on x-date exceeds 300s$/);
  });

  it("refuses with 401 an unsigned outer request and with 400 a body without requestHeaders", async () => {
    const unsigned = await httpRequestRaw(
      "POST",
      `${standIn.url}/v1/authentication/authenticateClient`,
      { "content-type": "application/json" },
      "{}",
    );
    expect(unsigned.status).toBe(401);
    const signed = await signAuthenticateClient(aliceProvider, standIn.url, { host: "x" } as unknown as RequestHeaders);
    const res = await httpRequestRaw("POST", signed.url, signed.headers, signed.body);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: "InvalidParameter", message: expect.stringMatching(/requestHeaders/) });
  });

  it("answers 405 to other methods and 400 to a body over 64 KiB", async () => {
    const get = await httpGetRaw(`${standIn.url}/v1/authentication/authenticateClient`);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    const huge = JSON.stringify({ requestHeaders: { padding: ["x".repeat(70_000)] } });
    const res = await httpRequestRaw(
      "POST",
      `${standIn.url}/v1/authentication/authenticateClient`,
      { "content-type": "application/json" },
      huge,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: "InvalidParameter", message: "The request body must be at most 65536 bytes." });
  });

  it("answers injected throttling with 429 TooManyRequests, then recovers", async () => {
    standIn.injectFailure({ endpoint: "authenticateClient", status: 429, times: 2 });
    const inner = await signInnerRequest(aliceProvider, { method: "GET", uri: LOGIN_URI });
    const first = await authenticateClient(inner);
    const second = await authenticateClient(inner);
    const third = await authenticateClient(inner);
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(JSON.parse(first.body)).toMatchObject({ code: "TooManyRequests" });
    expect(JSON.parse(third.body)).toMatchObject({ success: true });
  });

  it("can fail the federation endpoint, which oci-common reports as an error", async () => {
    standIn.injectFailure({ endpoint: "x509", status: 401 });
    const provider = await instancePrincipalProvider(standIn, instance.id);
    await expect(provider.getKeyId()).rejects.toMatchObject({ message: expect.stringMatching(/401/) });
    expect(await provider.getKeyId()).toMatch(/^ST\$/);
  });
});
