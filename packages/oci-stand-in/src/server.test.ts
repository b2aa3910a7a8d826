import { createSign } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTestApiKey,
  createTestOcid,
  DEFAULT_OCI_IDENTITY_HOST,
  httpGetRaw,
  signGetUserGoStyle,
  signGetUserWithOciCommon,
  startOciStandIn,
  type OciStandIn,
  type RawResponse,
} from "./index.js";

const tenancyA = createTestOcid("tenancy");
const tenancyB = createTestOcid("tenancy");
const alice = { id: createTestOcid("user"), key: createTestApiKey() };
const bob = { id: createTestOcid("user"), key: createTestApiKey() };
const mallory = { id: createTestOcid("user"), key: createTestApiKey() };
const retired = { id: createTestOcid("user"), key: createTestApiKey() };

const aliceSigner = {
  tenancyOcid: tenancyA,
  userOcid: alice.id,
  fingerprint: alice.key.fingerprint,
  privateKeyPem: alice.key.privateKeyPem,
};

let standIn: OciStandIn;
const logLines: string[] = [];

beforeAll(async () => {
  standIn = await startOciStandIn({
    log: (line) => logLines.push(line),
    users: [
      {
        id: alice.id,
        compartmentId: tenancyA,
        name: "alice@example.com",
        email: "alice@example.com",
        publicKeys: [alice.key.publicKeyPem],
      },
      { id: bob.id, compartmentId: tenancyA, name: "bob", publicKeys: [bob.key.publicKeyPem] },
      { id: retired.id, compartmentId: tenancyA, name: "retired", lifecycleState: "INACTIVE", publicKeys: [retired.key.publicKeyPem] },
    ],
  });
  standIn.addUser({ id: mallory.id, compartmentId: tenancyB, name: "mallory", publicKeys: [mallory.key.publicKeyPem] });
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => {
  standIn.requests.length = 0;
});

function getUser(userOcid: string, headers: Record<string, string>): Promise<RawResponse> {
  return httpGetRaw(`${standIn.url}/20160918/users/${userOcid}`, headers);
}

function expectOciError(res: RawResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toBe("application/json");
  expect(res.headers["opc-request-id"]).toMatch(/^[0-9A-F]{32}$/);
  expect(JSON.parse(res.body)).toMatchObject({ code, message: expect.any(String) });
}

describe("GET /20160918/users/{id}", () => {
  it("answers an oci-common signed request with the OCI User", async () => {
    const headers = await signGetUserWithOciCommon(aliceSigner);
    const res = await getUser(alice.id, headers);

    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["opc-request-id"]).toMatch(/^[0-9A-F]{32}$/);
    expect(res.headers.etag).toMatch(/^[0-9a-f]{32}$/);
    const user = JSON.parse(res.body);
    expect(user).toMatchObject({
      id: alice.id,
      compartmentId: tenancyA,
      name: "alice@example.com",
      description: "alice@example.com",
      email: "alice@example.com",
      emailVerified: true,
      lifecycleState: "ACTIVE",
      isMfaActivated: false,
      freeformTags: {},
      definedTags: {},
      capabilities: { canUseApiKeys: true },
    });
    expect(new Date(user.timeCreated).toISOString()).toBe(user.timeCreated);
  });

  it("verifies a Go SDK style signature over date (request-target) host", async () => {
    const res = await getUser(alice.id, signGetUserGoStyle(aliceSigner));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: alice.id, compartmentId: tenancyA });
  });

  it("lets a signer read another user of its tenancy", async () => {
    const res = await getUser(bob.id, await signGetUserWithOciCommon({ ...aliceSigner, targetUserOcid: bob.id }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: bob.id, name: "bob", email: null, emailVerified: false });
  });

  it("echoes a client opc-request-id", async () => {
    const res = await getUser(alice.id, { ...signGetUserGoStyle(aliceSigner), "opc-request-id": "CLIENT1" });
    expect(res.status).toBe(200);
    expect(res.headers["opc-request-id"]).toMatch(/^CLIENT1\/[0-9A-F]{32}$/);
  });

  it("rejects a tampered signature with 401 NotAuthenticated", async () => {
    const headers = await signGetUserWithOciCommon(aliceSigner);
    const signature = /signature="([^"]+)"/.exec(headers.authorization)![1]!;
    const tampered = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") + signature.slice(11);
    const res = await getUser(alice.id, { ...headers, authorization: headers.authorization.replace(signature, tampered) });
    expectOciError(res, 401, "NotAuthenticated");
    expect(standIn.requests[0]?.reason).toBe("signature does not verify");
  });

  it("rejects a request for a different path than the one signed", async () => {
    const res = await getUser(bob.id, await signGetUserWithOciCommon(aliceSigner));
    expectOciError(res, 401, "NotAuthenticated");
  });

  it("rejects a request whose host differs from the signed host", async () => {
    const headers = await signGetUserWithOciCommon(aliceSigner);
    const res = await getUser(alice.id, { ...headers, host: "identity.eu-frankfurt-1.oraclecloud.com" });
    expectOciError(res, 401, "NotAuthenticated");
    expect(standIn.requests[0]?.reason).toBe("signature does not verify");
  });

  it("rejects an unknown key fingerprint with 401", async () => {
    const stranger = createTestApiKey();
    const headers = signGetUserGoStyle({ ...aliceSigner, fingerprint: stranger.fingerprint, privateKeyPem: stranger.privateKeyPem });
    const res = await getUser(alice.id, headers);
    expectOciError(res, 401, "NotAuthenticated");
    expect(standIn.requests[0]?.reason).toMatch(/^unknown key fingerprint/);
  });

  it("rejects another user's key claimed under the signer's user with 401", async () => {
    const headers = signGetUserGoStyle({ ...aliceSigner, fingerprint: bob.key.fingerprint, privateKeyPem: bob.key.privateKeyPem });
    expectOciError(await getUser(alice.id, headers), 401, "NotAuthenticated");
  });

  it("rejects a keyId whose tenancy is not the signer's with 401", async () => {
    const headers = signGetUserGoStyle({ ...aliceSigner, tenancyOcid: tenancyB });
    expectOciError(await getUser(alice.id, headers), 401, "NotAuthenticated");
  });

  it("rejects an unknown signing user with 401", async () => {
    const headers = signGetUserGoStyle({ ...aliceSigner, userOcid: createTestOcid("user"), targetUserOcid: alice.id });
    expectOciError(await getUser(alice.id, headers), 401, "NotAuthenticated");
  });

  it("rejects an inactive signing user with 401", async () => {
    const headers = signGetUserGoStyle({
      tenancyOcid: tenancyA,
      userOcid: retired.id,
      fingerprint: retired.key.fingerprint,
      privateKeyPem: retired.key.privateKeyPem,
    });
    expectOciError(await getUser(retired.id, headers), 401, "NotAuthenticated");
  });

  it("rejects a date older than 5 minutes with 401 and accepts one 4 minutes old", async () => {
    const stale = signGetUserGoStyle({ ...aliceSigner, date: new Date(Date.now() - 6 * 60_000) });
    expectOciError(await getUser(alice.id, stale), 401, "NotAuthenticated");
    expect(standIn.requests[0]?.reason).toMatch(/clock skew/);

    const future = signGetUserGoStyle({ ...aliceSigner, date: new Date(Date.now() + 6 * 60_000) });
    expectOciError(await getUser(alice.id, future), 401, "NotAuthenticated");

    const recent = signGetUserGoStyle({ ...aliceSigner, date: new Date(Date.now() - 4 * 60_000) });
    expect((await getUser(alice.id, recent)).status).toBe(200);
  });

  it("measures clock skew on the signed date, not on an unsigned fresh x-date", async () => {
    const stale = signGetUserGoStyle({ ...aliceSigner, date: new Date(Date.now() - 60 * 60_000) });
    const res = await getUser(alice.id, { ...stale, "x-date": new Date().toUTCString() });
    expectOciError(res, 401, "NotAuthenticated");
    expect(standIn.requests[0]?.reason).toMatch(/clock skew of \d+s on date/);
  });

  it("rejects signatures that do not cover host or a date header with 401", async () => {
    const date = new Date().toUTCString();
    const path = `/20160918/users/${alice.id}`;
    const keyId = `${tenancyA}/${alice.id}/${alice.key.fingerprint}`;
    const sign = (lines: string[]) => createSign("sha256").update(lines.join("\n")).sign(alice.key.privateKeyPem, "base64");

    const withoutHost = `Signature version="1",headers="date (request-target)",keyId="${keyId}",algorithm="rsa-sha256",signature="${sign([`date: ${date}`, `(request-target): get ${path}`])}"`;
    const res1 = await getUser(alice.id, { authorization: withoutHost, date, host: DEFAULT_OCI_IDENTITY_HOST });
    expectOciError(res1, 401, "NotAuthenticated");
    expect(standIn.requests[0]?.reason).toMatch(/host was not a signed header/);

    const host = DEFAULT_OCI_IDENTITY_HOST;
    const withoutDate = `Signature version="1",headers="(request-target) host",keyId="${keyId}",algorithm="rsa-sha256",signature="${sign([`(request-target): get ${path}`, `host: ${host}`])}"`;
    const res2 = await getUser(alice.id, { authorization: withoutDate, date, host });
    expectOciError(res2, 401, "NotAuthenticated");
    expect(standIn.requests[1]?.reason).toBe("neither date nor x-date is a signed header");
  });

  it("rejects a missing Authorization header with 401", async () => {
    const { date, host } = signGetUserGoStyle(aliceSigner);
    const res = await getUser(alice.id, { date, host });
    expectOciError(res, 401, "NotAuthenticated");
    expect(JSON.parse(res.body).message).toBe("The required information to complete authentication was not provided.");
  });

  it("rejects a malformed Authorization header with 401", async () => {
    const res = await getUser(alice.id, { authorization: "Bearer abc", date: new Date().toUTCString(), host: DEFAULT_OCI_IDENTITY_HOST });
    expectOciError(res, 401, "NotAuthenticated");
  });

  it("answers an unknown user with 404 NotAuthorizedOrNotFound", async () => {
    const unknown = createTestOcid("user");
    const res = await getUser(unknown, await signGetUserWithOciCommon({ ...aliceSigner, targetUserOcid: unknown }));
    expectOciError(res, 404, "NotAuthorizedOrNotFound");
  });

  it("answers a signer of another tenancy with 404 NotAuthorizedOrNotFound", async () => {
    const headers = await signGetUserWithOciCommon({
      tenancyOcid: tenancyB,
      userOcid: mallory.id,
      fingerprint: mallory.key.fingerprint,
      privateKeyPem: mallory.key.privateKeyPem,
      targetUserOcid: alice.id,
    });
    expectOciError(await getUser(alice.id, headers), 404, "NotAuthorizedOrNotFound");
  });
});

describe("other requests", () => {
  it("answers other paths with 404", async () => {
    const res = await httpGetRaw(`${standIn.url}/20160918/compartments/x`, signGetUserGoStyle(aliceSigner));
    expectOciError(res, 404, "NotAuthorizedOrNotFound");
  });

  it("answers other methods on the user path with 405", async () => {
    const res = await fetch(`${standIn.url}/20160918/users/${alice.id}`, { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expect(await res.json()).toMatchObject({ code: "MethodNotAllowed" });
  });
});

describe("recording and logging", () => {
  it("records every request with its raw url, headers and outcome", async () => {
    const signed = await signGetUserWithOciCommon(aliceSigner);
    await getUser(alice.id, signed);
    await httpGetRaw(`${standIn.url}/nope?x=1`);

    expect(standIn.requests).toHaveLength(2);
    const [ok, notFound] = standIn.requests;
    expect(ok).toMatchObject({
      method: "GET",
      url: `/20160918/users/${alice.id}`,
      status: 200,
      headers: { host: DEFAULT_OCI_IDENTITY_HOST, authorization: signed.authorization, "x-date": signed["x-date"], date: signed.date },
    });
    expect(ok?.reason).toBeUndefined();
    expect(notFound).toMatchObject({ method: "GET", url: "/nope?x=1", status: 404, reason: "no such path" });
  });

  it("logs one line per request", async () => {
    logLines.length = 0;
    await getUser(alice.id, signGetUserGoStyle(aliceSigner));
    await getUser(alice.id, {});
    expect(logLines).toEqual([
      `GET /20160918/users/${alice.id} 200`,
      `GET /20160918/users/${alice.id} 401 NotAuthenticated: missing Authorization header`,
    ]);
  });
});

describe("response delay", () => {
  const timed = async (call: () => Promise<RawResponse>) => {
    const started = performance.now();
    const res = await call();
    return { status: res.status, ms: performance.now() - started };
  };

  it("setResponseDelay holds every answer, recording the request on arrival; 0 answers at once again", async () => {
    try {
      standIn.setResponseDelay(700);
      const signed = await signGetUserWithOciCommon(aliceSigner);
      const held = timed(() => getUser(alice.id, signed));
      await new Promise((r) => setTimeout(r, 200));
      expect(standIn.requests).toEqual([expect.objectContaining({ url: `/20160918/users/${alice.id}` })]);
      expect(standIn.requests[0]?.status).toBeUndefined();
      const answer = await held;
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeGreaterThanOrEqual(690);
      expect((await timed(() => httpGetRaw(`${standIn.url}/nope`))).ms).toBeGreaterThanOrEqual(690);
    } finally {
      standIn.setResponseDelay(0);
    }
    const quick = await timed(() => httpGetRaw(`${standIn.url}/nope`));
    expect(quick.status).toBe(404);
    expect(quick.ms).toBeLessThan(500);
  });

  it("the responseDelayMs option holds answers from the start; a bad delay is refused", async () => {
    const slow = await startOciStandIn({ responseDelayMs: 400 });
    try {
      expect((await timed(() => httpGetRaw(`${slow.url}/nope`))).ms).toBeGreaterThanOrEqual(390);
      expect(() => slow.setResponseDelay(-1)).toThrow(/at least 0/);
      expect(() => slow.setResponseDelay(1.5)).toThrow(/whole number of milliseconds/);
    } finally {
      await slow.close();
    }
    await expect(startOciStandIn({ responseDelayMs: -5 })).rejects.toThrow(/at least 0/);
  });
});
