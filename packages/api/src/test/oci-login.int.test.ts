import {
  createTestApiKey,
  createTestOcid,
  type OciStandIn,
  signGetUserGoStyle,
  signGetUserWithOciCommon,
  startOciStandIn,
} from "@ociauth/oci-stand-in";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pruneLoginSignatures } from "@ociauth/db";
import { messages } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { loginMessages } from "../services/oci-auth/oci-login-service";
import { createTestApp, type TestApp } from "./harness";

const LOGIN = "/api/v1/auth/oci-auth/login";

/** A local stand-in for a misbehaving OCI endpoint: `handle` answers every request. */
async function startFakeOci(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("OCI login with real signatures (oci-common signer, local OCI stand-in)", () => {
  let app: TestApp;
  let oci: OciStandIn;
  let adminToken: string;
  let orgId: string;
  const tenancyOcid = createTestOcid("tenancy");
  const alice = { id: createTestOcid("user"), name: "alice", key: createTestApiKey() };
  const bob = { id: createTestOcid("user"), name: "bob", key: createTestApiKey() };
  const outsider = { id: createTestOcid("user"), name: "alice", key: createTestApiKey(), tenancy: createTestOcid("tenancy") };

  // One key signs identically within one second and each signed header set logs in once, so
  // every signature here gets its own second (now, or just after the last one of that key).
  const lastSecond = new Map<string, number>();
  const uniqueDate = (fingerprint: string) => {
    const second = Math.max(Math.floor(Date.now() / 1000), (lastSecond.get(fingerprint) ?? 0) + 1);
    lastSecond.set(fingerprint, second);
    return new Date(second * 1000);
  };
  const sign = (
    user: { id: string; key: ReturnType<typeof createTestApiKey> },
    extra: { tenancy?: string; targetUserOcid?: string; host?: string } = {},
  ) =>
    signGetUserWithOciCommon({
      tenancyOcid: extra.tenancy ?? tenancyOcid,
      userOcid: user.id,
      fingerprint: user.key.fingerprint,
      privateKeyPem: user.key.privateKeyPem,
      targetUserOcid: extra.targetUserOcid,
      host: extra.host,
      date: uniqueDate(user.key.fingerprint),
    });

  async function identityWithOciAuth(config: Record<string, unknown> = {}) {
    const id = await app.createIdentity(adminToken, orgId, "member");
    const res = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid, ...config } });
    expect(res.status).toBe(200);
    return id;
  }

  const login = (identityId: string, userOcid: string, headers: Record<string, string>, ip?: string) =>
    app.rest("POST", LOGIN, { body: { identityId, userOcid, headers }, ip });

  async function lastFailure(identityId: string) {
    const event = await app.db.auditEvent.findFirst({
      where: { eventType: "login-identity-oci-auth-failed", actorId: identityId },
      orderBy: { createdAt: "desc" },
    });
    return event?.metadata as { reasonCode?: string } | undefined;
  }

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    oci = await startOciStandIn({
      users: [
        { id: alice.id, compartmentId: tenancyOcid, name: alice.name, publicKeys: [alice.key.publicKeyPem] },
        { id: bob.id, compartmentId: tenancyOcid, name: bob.name, publicKeys: [bob.key.publicKeyPem] },
        { id: outsider.id, compartmentId: outsider.tenancy, name: outsider.name, publicKeys: [outsider.key.publicKeyPem] },
      ],
    });
    overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 2000 });
  });
  afterAll(async () => {
    await oci.close();
    await app.close();
  });

  it("logs in with an oci-common signature and the token reads the config", async () => {
    const id = await identityWithOciAuth({ allowedUsernames: "alice", accessTokenTTL: 600, accessTokenMaxTTL: 1200 });
    const before = oci.requests.length;
    const res = await login(id, alice.id, await sign(alice));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expiresIn: 600, accessTokenMaxTTL: 1200, tokenType: "Bearer" });
    expect(Object.keys(res.body).sort()).toEqual(["accessToken", "accessTokenMaxTTL", "expiresIn", "tokenType"]);
    expect(res.headers.get("server-timing")).toMatch(/^app;dur=[\d.]+, oci;dur=[\d.]+$/);

    const seen = oci.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "GET", url: `/20160918/users/${alice.id}`, status: 200 });
    expect(seen[0]!.headers.host).toBe("identity.us-ashburn-1.oraclecloud.com");

    const read = await app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token: res.body.accessToken });
    expect(read.status).toBe(200);
    expect(read.body.identityOciAuth.identityId).toBe(id);
    const event = await app.db.auditEvent.findFirst({ where: { eventType: "login-identity-oci-auth", actorId: id } });
    expect(event?.metadata).toMatchObject({ identityId: id, ociUserName: "alice" });
  });

  it("accepts Go-SDK-style signatures over date (no x-date)", async () => {
    const id = await identityWithOciAuth();
    const headers = signGetUserGoStyle({
      tenancyOcid,
      userOcid: bob.id,
      fingerprint: bob.key.fingerprint,
      privateKeyPem: bob.key.privateKeyPem,
      date: uniqueDate(bob.key.fingerprint),
    });
    const res = await login(id, bob.id, { ...headers });
    expect(res.status).toBe(200);
  });

  it("lets any tenancy user in when allowedUsernames is null", async () => {
    const id = await identityWithOciAuth({ allowedUsernames: null });
    expect((await login(id, alice.id, await sign(alice))).status).toBe(200);
    expect((await login(id, bob.id, await sign(bob))).status).toBe(200);
  });

  it("refuses a user outside the allow-list (401, username_not_allowed)", async () => {
    const id = await identityWithOciAuth({ allowedUsernames: "alice" });
    const res = await login(id, bob.id, await sign(bob));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      error: "UnauthorizedError",
      message: expect.stringMatching(/^Access denied: OCI account username not allowed\. "bob" is not in the identity's allowed usernames/),
    });
    expect(await lastFailure(id)).toMatchObject({ reasonCode: "username_not_allowed" });
  });

  it("refuses a user of another tenancy (401, tenancy_not_allowed)", async () => {
    const id = await identityWithOciAuth();
    const res = await login(id, outsider.id, await sign(outsider, { tenancy: outsider.tenancy }));
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("Access denied: OCI account isn't part of tenancy.");
    expect(await lastFailure(id)).toMatchObject({ reasonCode: "tenancy_not_allowed" });
  });

  it("refuses a signature by one user naming another (401, signer_mismatch) without calling OCI", async () => {
    const id = await identityWithOciAuth({ allowedUsernames: "alice" });
    // Bob (who may read users of the tenancy) signs a GetUser for Alice, the allow-listed user.
    const headers = await sign(bob, { targetUserOcid: alice.id });
    const before = oci.requests.length;
    const res = await login(id, alice.id, headers);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("Access denied: the request was signed by a different OCI user than userOcid.");
    expect(oci.requests.length).toBe(before);
    expect(await lastFailure(id)).toMatchObject({ reasonCode: "signer_mismatch" });
  });

  it("answers 400 for malformed and non-user signatures", async () => {
    const id = await identityWithOciAuth();
    const valid = await sign(alice);
    const garbage = await login(id, alice.id, { ...valid, authorization: "Bearer abc" });
    expect(garbage.status).toBe(400);
    expect(garbage.body.message).toMatch(/^Invalid OCI request signature/);
    const principal = await login(id, alice.id, {
      ...valid,
      authorization: valid.authorization.replace(/keyId="[^"]+"/, 'keyId="ST$eyJhbGciOi.token"'),
    });
    expect(principal.status).toBe(400);
    expect(principal.body.message).toBe(loginMessages.signatureNotUser);
    expect(principal.body.message).toContain("POST /api/v1/auth/oci-auth/login/principal");
  });

  it("turns a tampered signature into 401 (oci_rejected)", async () => {
    const id = await identityWithOciAuth();
    const valid = await sign(alice);
    const tampered = valid.authorization.replace(/signature="(.)/, (_m, c: string) => `signature="${c === "A" ? "B" : "A"}`);
    const res = await login(id, alice.id, { ...valid, authorization: tampered });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe(
      "Access denied: OCI rejected the signed request (NotAuthenticated). Check the API key, its fingerprint and the signing date.",
    );
    expect(await lastFailure(id)).toMatchObject({ reasonCode: "oci_rejected" });
  });

  describe("replay protection: a signed header set logs in once, and again only from its address within 2 s", () => {
    it("refuses the same headers from another address (401, signature_replayed) without calling OCI", async () => {
      const id = await identityWithOciAuth();
      const headers = await sign(alice);
      expect((await login(id, alice.id, headers)).status).toBe(200);
      const before = oci.requests.length;
      const again = await login(id, alice.id, headers, "10.20.30.40");
      expect(again.status).toBe(401);
      expect(again.body).toMatchObject({ error: "UnauthorizedError", message: loginMessages.signatureReplayed });
      expect(oci.requests.length).toBe(before);
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "signature_replayed" });
    });

    it("refuses the headers against another identity too", async () => {
      const first = await identityWithOciAuth();
      const second = await identityWithOciAuth();
      const headers = await sign(alice);
      expect((await login(first, alice.id, headers)).status).toBe(200);
      const elsewhere = await login(second, alice.id, headers, "10.20.30.40");
      expect(elsewhere.status).toBe(401);
      expect(elsewhere.body.message).toBe(loginMessages.signatureReplayed);
      expect(await lastFailure(second)).toMatchObject({ reasonCode: "signature_replayed" });
    });

    it("recognises a signature however the authorization header is spelled (parameter order, base64 padding bits)", async () => {
      const id = await identityWithOciAuth();
      const headers = await sign(alice);
      expect((await login(id, alice.id, headers)).status).toBe(200);
      const params = [...headers.authorization.matchAll(/(\w+)="([^"]*)"/g)].map((m) => `${m[1]}="${m[2]}"`);
      const reordered = `Signature ${[...params].reverse().join(", ")}`;
      expect((await login(id, alice.id, { ...headers, authorization: reordered }, "10.20.30.40")).status).toBe(401);
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "signature_replayed" });
      // A 2048-bit signature is 256 bytes: base64 ending in "X==" whose last character carries 4
      // unused bits. Setting one gives other text for the same bytes.
      const padded = /signature="([^"]*)(.)=="/.exec(headers.authorization)!;
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const spelled = headers.authorization.replace(`${padded[2]}=="`, `${alphabet[alphabet.indexOf(padded[2]!) ^ 1]}=="`);
      expect(spelled).not.toBe(headers.authorization);
      expect(Buffer.from(/signature="([^"]*)"/.exec(spelled)![1]!, "base64")).toEqual(
        Buffer.from(/signature="([^"]*)"/.exec(headers.authorization)![1]!, "base64"),
      );
      expect((await login(id, alice.id, { ...headers, authorization: spelled }, "10.20.30.40")).status).toBe(401);
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "signature_replayed" });
    });

    it("lets exactly one of 5 concurrent copies from 5 addresses log in", async () => {
      const ids = await Promise.all(Array.from({ length: 5 }, () => identityWithOciAuth()));
      const headers = await sign(alice);
      const before = oci.requests.length;
      const results = await Promise.all(ids.map((id, i) => login(id, alice.id, headers, `10.0.0.${i + 1}`)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
      expect(oci.requests.length).toBe(before + 1);
      for (const r of results.filter((r) => r.status === 401)) expect(r.body.message).toBe(loginMessages.signatureReplayed);
    });

    it("accepts the same headers again from the same address within 2 s of their first use, not after", async () => {
      const id = await identityWithOciAuth();
      const headers = await sign(alice);
      const first = await login(id, alice.id, headers, "10.1.1.1");
      const again = await login(id, alice.id, headers, "10.1.1.1");
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body.accessToken).not.toBe(first.body.accessToken);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const late = await login(id, alice.id, headers, "10.1.1.1");
      expect(late.status).toBe(401);
      expect(late.body.message).toBe(loginMessages.signatureReplayed);
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "signature_replayed" });
    });

    it("remembers a signature until 6 minutes after its signed date, then prunes it", async () => {
      const id = await identityWithOciAuth();
      const date = uniqueDate(alice.key.fingerprint);
      const headers = await signGetUserWithOciCommon({
        tenancyOcid,
        userOcid: alice.id,
        fingerprint: alice.key.fingerprint,
        privateKeyPem: alice.key.privateKeyPem,
        date,
      });
      const before = await app.db.ociLoginSignature.count();
      expect((await login(id, alice.id, headers)).status).toBe(200);
      const rows = await app.db.ociLoginSignature.findMany({ orderBy: { createdAt: "desc" }, take: 1 });
      expect(await app.db.ociLoginSignature.count()).toBe(before + 1);
      expect(rows[0]!.signatureHash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]!.forgetAfter.getTime()).toBe(date.getTime() + 6 * 60_000);
      // Not yet prunable one minute before; gone right after.
      await pruneLoginSignatures(app.rt.sql, new Date(date.getTime() + 5 * 60_000));
      expect(await app.db.ociLoginSignature.count({ where: { signatureHash: rows[0]!.signatureHash } })).toBe(1);
      await pruneLoginSignatures(app.rt.sql, new Date(date.getTime() + 6 * 60_000 + 1));
      expect(await app.db.ociLoginSignature.count({ where: { signatureHash: rows[0]!.signatureHash } })).toBe(0);
    });
  });

  describe("signed date window (OCI's 5-minute clock skew)", () => {
    const goStyle = (date: Date) =>
      signGetUserGoStyle({
        tenancyOcid,
        userOcid: alice.id,
        fingerprint: alice.key.fingerprint,
        privateKeyPem: alice.key.privateKeyPem,
        date,
      });

    it.each([
      ["10 minutes old", -10 * 60_000],
      ["6 minutes in the future", 6 * 60_000],
    ])("refuses a date %s (401, signature_date_out_of_window) without calling OCI", async (_name, offset) => {
      const id = await identityWithOciAuth();
      const before = oci.requests.length;
      const res = await login(id, alice.id, { ...goStyle(new Date(Date.now() + offset)) });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: "UnauthorizedError", message: loginMessages.signatureDateOutOfWindow("date") });
      expect(res.body.message).toContain("5 minutes");
      expect(oci.requests.length).toBe(before);
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "signature_date_out_of_window" });
    });

    it("accepts a date 4 minutes old", async () => {
      const id = await identityWithOciAuth();
      expect((await login(id, alice.id, { ...goStyle(new Date(Date.now() - 4 * 60_000)) })).status).toBe(200);
    });

    it("refuses an unparseable signed date and a missing one", async () => {
      const id = await identityWithOciAuth();
      const signed = await sign(alice);
      const garbled = await login(id, alice.id, { ...signed, "x-date": "yesterday" });
      expect(garbled.status).toBe(401);
      expect(garbled.body.message).toBe(loginMessages.signatureDateUnparseable("x-date"));
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "signature_date_out_of_window" });
      // x-date is signed; sending only the unsigned date header leaves the signed one missing.
      const { authorization, host, date } = signed;
      const missing = await login(id, alice.id, { authorization, host, date });
      expect(missing.status).toBe(401);
      expect(missing.body.message).toBe(loginMessages.signatureDateMissing);
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "signature_date_out_of_window" });
    });
  });

  describe("OCI's answers and deadlines", () => {
    it.each([
      [
        "drips its body",
        (res: ServerResponse) => {
          res.writeHead(200, { "content-type": "application/json" });
          // Faster than the timeout, so an idle timeout never fires: only a total deadline ends it.
          const timer = setInterval(() => res.write(" "), 200);
          res.on("close", () => clearInterval(timer));
        },
      ],
      [
        "drips its headers",
        (res: ServerResponse) => {
          res.socket?.write("HTTP/1.1 200 OK\r\n");
          const timer = setInterval(() => res.socket?.write("X-Slow: 1\r\n"), 200);
          res.on("close", () => clearInterval(timer));
        },
      ],
      ["never answers", () => {}],
    ])("answers 502 within the total deadline when OCI %s (OCI_REQUEST_TIMEOUT_MS bounds the whole call)", async (_name, answer) => {
      const id = await identityWithOciAuth();
      const slow = await startFakeOci((_req, res) => answer(res));
      overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: slow.url, OCI_REQUEST_TIMEOUT_MS: 500 });
      try {
        const started = Date.now();
        const res = await login(id, alice.id, await sign(alice));
        const elapsed = Date.now() - started;
        expect(res.status).toBe(502);
        expect(res.body).toMatchObject({ error: "BadGateway", message: loginMessages.ociUnreachable("identity") });
        expect(elapsed).toBeLessThan(1500);
        expect(await lastFailure(id)).toMatchObject({ reasonCode: "oci_unreachable" });
      } finally {
        overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 2000 });
        await slow.close();
      }
    });

    it.each([
      ["its own Retry-After", () => ({ "retry-after": "7" }), 7],
      ["a Retry-After date", () => ({ "retry-after": new Date(Date.now() + 30_000).toUTCString() }), 30],
      ["no Retry-After: a small default", () => ({}), 5],
      ["an absurd Retry-After: the default", () => ({ "retry-after": "86400000" }), 5],
      ["a garbled Retry-After: the default", () => ({ "retry-after": "soon" }), 5],
    ])("turns OCI throttling (429) into 503 ServiceUnavailable with %s (oci_throttled)", async (_name, headers, seconds) => {
      const id = await identityWithOciAuth();
      const throttling = await startFakeOci((_req, res) => {
        res.writeHead(429, { "content-type": "application/json", ...headers() });
        res.end(JSON.stringify({ code: "TooManyRequests", message: "Too many requests for the user" }));
      });
      overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: throttling.url });
      const signed = await sign(alice);
      try {
        const res = await login(id, alice.id, signed);
        expect(res.status).toBe(503);
        const retryAfter = Number(res.headers.get("retry-after"));
        expect(Math.abs(retryAfter - seconds)).toBeLessThanOrEqual(1);
        expect(res.body).toMatchObject({
          statusCode: 503,
          error: "ServiceUnavailable",
          message: loginMessages.ociThrottled(retryAfter, "identity"),
        });
        expect(await lastFailure(id)).toMatchObject({ reasonCode: "oci_throttled" });
      } finally {
        overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url });
        await throttling.close();
      }
      // OCI never judged the signature: the same headers may be sent again once OCI answers.
      expect((await login(id, alice.id, signed)).status).toBe(200);
    });

    it("keeps OCI 5xx a 502 and OCI 404 a 401", async () => {
      const id = await identityWithOciAuth();
      for (const [status, expected] of [
        [500, 502],
        [503, 502],
        [404, 401],
      ] as const) {
        const fake = await startFakeOci((_req, res) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify({ code: status === 404 ? "NotAuthorizedOrNotFound" : "InternalServerError", message: "x" }));
        });
        overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: fake.url });
        try {
          expect((await login(id, alice.id, await sign(alice))).status).toBe(expected);
        } finally {
          overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url });
          await fake.close();
        }
      }
    });
  });

  describe("header values with control or non-Latin-1 characters (400 invalid_headers, audited, OCI not called)", () => {
    it.each([
      ["authorization", "NUL", (v: string) => v.replace("keyId", "key\u0000Id")],
      ["authorization", "CR LF", (v: string) => v.replace(",algorithm", "\r\nX-Injected: 1,algorithm")],
      ["authorization", "LF", (v: string) => v.replace(",algorithm", "\n,algorithm")],
      ["authorization", "DEL", (v: string) => v.replace(",algorithm", "\u007f,algorithm")],
      ["authorization", "U+0100", (v: string) => v.replace(",algorithm", "\u0100,algorithm")],
      ["host", "NUL", (v: string) => `${v.slice(0, 9)}\u0000${v.slice(9)}`],
      ["host", "a dotless i above U+00FF", (v: string) => v.replace("i", "\u0131")],
      ["x-date", "LF", (v: string) => v.replace(" GMT", "\n GMT")],
      ["x-date", "an emoji", (v: string) => v.replace(" GMT", " \u{1F600} GMT")],
      ["date", "TAB", (v: string) => v.replace(" GMT", "\t GMT")],
      ["date", "a line separator", (v: string) => v.replace(" GMT", "\u2028 GMT")],
    ] as const)("%s with %s", async (name, _what, spoil) => {
      const id = await identityWithOciAuth();
      const signed = await sign(alice);
      const before = oci.requests.length;
      const res = await login(id, alice.id, { ...signed, [name]: spoil(signed[name]) });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: "BadRequest", message: messages.invalidHeaderValue(name) });
      expect(oci.requests.length).toBe(before);
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "invalid_headers", message: messages.invalidHeaderValue(name) });
    });

    it("over tRPC too (400 BAD_REQUEST, audited)", async () => {
      const id = await identityWithOciAuth();
      const signed = await sign(alice);
      await expect(
        app
          .caller()
          .ociAuth.login({ identityId: id, userOcid: alice.id, headers: { ...signed, authorization: `${signed.authorization}\u0000` } }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST", message: messages.invalidHeaderValue("authorization") });
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "invalid_headers" });
    });
  });

  it.each([
    "evil.example.com",
    "identity.us-ashburn-1.oraclecloud.com.evil.io",
    "127.0.0.1",
    "[::1]",
    "identity.us-ashburn-1.oraclecloud.com:8443",
    "user@identity.us-ashburn-1.oraclecloud.com",
    "identity.us-ashburn-1.oraclecloud.com.",
  ])("refuses host %s with 400 and never calls out", async (host) => {
    const id = await identityWithOciAuth();
    const before = oci.requests.length;
    const res = await login(id, alice.id, { ...(await sign(alice)), host });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: "BadRequest",
      message: "Invalid OCI host format. Expected format: identity.<region>.oraclecloud.com",
    });
    expect(oci.requests.length).toBe(before);
  });

  it.each(["../../admin", "ocid1.user.oc1..abc?x=1", "ocid1.user.oc1..abc#frag", "ocid1.user.oc1..a%2Fb"])(
    "refuses userOcid %s with 400 and never calls out",
    async (userOcid) => {
      const id = await identityWithOciAuth();
      const before = oci.requests.length;
      const res = await login(id, userOcid, await sign(alice));
      expect(res.status).toBe(400);
      expect(res.body.message).toBe("Invalid user OCID format. Expected ocid1.user.<realm>..<unique id>");
      expect(oci.requests.length).toBe(before);
    },
  );

  it("answers 502 when OCI is unreachable", async () => {
    const id = await identityWithOciAuth();
    overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: "http://127.0.0.1:9" });
    try {
      const res = await login(id, alice.id, await sign(alice));
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({
        statusCode: 502,
        error: "BadGateway",
        message: "Could not reach OCI's identity endpoint. Try again later.",
      });
      expect(await lastFailure(id)).toMatchObject({ reasonCode: "oci_unreachable" });
    } finally {
      overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url });
    }
  });

  it("answers 404 for an unknown identity and for an identity without OCI auth", async () => {
    const headers = await sign(alice);
    const unknown = await login("00000000-0000-4000-8000-000000000000", alice.id, headers);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      error: "NotFound",
      message: "OCI auth method not found for identity, did you configure OCI auth?",
    });
    const bare = await app.createIdentity(adminToken, orgId);
    const without = await login(bare, alice.id, headers);
    expect(without.status).toBe(404);
    expect(without.body.message).toBe("OCI auth method not found for identity, did you configure OCI auth?");
    expect(await lastFailure(bare)).toMatchObject({ reasonCode: "oci_auth_not_configured" });
  });

  it("requires date or x-date (422)", async () => {
    const id = await identityWithOciAuth();
    const { authorization, host } = await sign(alice);
    const res = await login(id, alice.id, { authorization, host });
    expect(res.status).toBe(422);
    expect(res.body.message[0]).toMatchObject({ path: ["headers", "date"], message: "Either date or x-date must be provided" });
  });

  it("works over tRPC too", async () => {
    const id = await identityWithOciAuth();
    const result = await app.caller().ociAuth.login({ identityId: id, userOcid: alice.id, headers: await sign(alice) });
    expect(result.tokenType).toBe("Bearer");
    const read = await app.caller(result.accessToken).ociAuth.get({ identityId: id });
    expect(read.identityOciAuth.identityId).toBe(id);
  });

  describe("access tokens", () => {
    const loginToken = async (config: Record<string, unknown>, ip?: string) => {
      const id = await identityWithOciAuth(config);
      const res = await login(id, alice.id, await sign(alice), ip);
      expect(res.status).toBe(200);
      return { id, token: res.body.accessToken as string, body: res.body };
    };
    const read = (id: string, token: string, ip?: string) => app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token, ip });

    it("limit 3: three uses succeed, the fourth is 401", async () => {
      const { id, token } = await loginToken({ accessTokenNumUsesLimit: 3 });
      for (let i = 0; i < 3; i++) expect((await read(id, token)).status).toBe(200);
      const fourth = await read(id, token);
      expect(fourth.status).toBe(401);
      expect(fourth.body.message).toBe("Failed to authorize: token usage limit reached");
    });

    it("limit 3: of 4 concurrent uses exactly 3 succeed", async () => {
      const { id, token } = await loginToken({ accessTokenNumUsesLimit: 3 });
      const results = await Promise.all(Array.from({ length: 4 }, () => read(id, token)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 401]);
      const row = await app.db.identityAccessToken.findFirst({ where: { identityId: id } });
      expect(row?.accessTokenNumUses).toBe(3);
    });

    it("TTL 2 s: refused after expiry (403 TokenError); renewal beyond max TTL is refused", async () => {
      const { id, token, body } = await loginToken({ accessTokenTTL: 2, accessTokenMaxTTL: 3 });
      expect(body.expiresIn).toBe(2);
      const renewed = await app.rest("POST", "/api/v1/auth/token/renew", { body: { accessToken: token } });
      expect(renewed.status).toBe(200);
      expect(renewed.body.expiresIn).toBeLessThanOrEqual(2);
      expect(renewed.body.accessTokenMaxTTL).toBe(3);
      await new Promise((r) => setTimeout(r, 3100));
      const expired = await read(id, renewed.body.accessToken);
      expect(expired.status).toBe(403);
      expect(expired.body).toMatchObject({ error: "TokenError", message: "Your token has expired. Please re-authenticate." });
      const late = await app.rest("POST", "/api/v1/auth/token/renew", { body: { accessToken: renewed.body.accessToken } });
      expect(late.status).toBe(403);
    }, 15_000);

    it("refuses to renew once the max TTL budget is spent", async () => {
      const { token } = await loginToken({ accessTokenTTL: 0, accessTokenMaxTTL: 2 });
      await new Promise((r) => setTimeout(r, 1200));
      const res = await app.rest("POST", "/api/v1/auth/token/renew", { body: { accessToken: token } });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe("Cannot renew: identity access token has reached its max TTL");
    });

    it("trusted IP 10.0.0.0/8 only: 127.0.0.1 is refused, with or without a forged X-Forwarded-For", async () => {
      const { id, token } = await loginToken({ accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }] });
      const direct = await read(id, token, "127.0.0.1");
      expect(direct.status).toBe(403);
      expect(direct.body).toMatchObject({
        error: "ForbiddenError",
        message:
          "You are not allowed to access this resource from the current IP address (the server saw 127.0.0.1). Add it to the identity's trusted IPs; if this server is behind a proxy or load balancer and that is the proxy's address, list the proxy in TRUSTED_PROXIES so the server sees the client's address.",
      });
      const forged = await app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, {
        token,
        ip: "127.0.0.1",
        headers: { "x-forwarded-for": "10.1.2.3" },
      });
      expect(forged.status).toBe(403);
      expect((await read(id, token, "10.9.8.7")).status).toBe(200);
    });

    it("applies changed trusted IPs to tokens already issued", async () => {
      const { id, token } = await loginToken({});
      expect((await read(id, token, "127.0.0.1")).status).toBe(200);
      await app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${id}`, {
        token: adminToken,
        body: { accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }] },
      });
      expect((await read(id, token, "127.0.0.1")).status).toBe(403);
    });

    it("revoke endpoint and detaching OCI auth both revoke tokens (401)", async () => {
      const first = await loginToken({});
      const revoked = await app.rest("POST", "/api/v1/auth/token/revoke", { body: { accessToken: first.token } });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ message: "Successfully revoked access token" });
      const after = await read(first.id, first.token);
      expect(after.status).toBe(401);
      expect(after.body.message).toBe("Failed to authorize: token has been revoked");

      const second = await loginToken({});
      await app.rest("DELETE", `/api/v1/auth/oci-auth/identities/${second.id}`, { token: adminToken });
      await app.rest("POST", `/api/v1/auth/oci-auth/identities/${second.id}`, { token: adminToken, body: { tenancyOcid } });
      const detached = await read(second.id, second.token);
      expect(detached.status).toBe(401);
      expect(detached.body.message).toBe("Failed to authorize: token has been revoked");
    });

    it("grants what the identity's role allows: a viewer identity reads but cannot edit", async () => {
      const { id, token } = await loginToken({});
      await app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { role: "viewer" } });
      expect((await read(id, token)).status).toBe(200);
      const edit = await app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${id}`, { token, body: { accessTokenTTL: 5 } });
      expect(edit.status).toBe(403);
      expect(edit.body).toMatchObject({ error: "PermissionDenied", message: "You are not allowed to edit on identity" });
    });
  });
});
