import {
  createTestApiKey,
  createTestOcid,
  type OciStandIn,
  signGetUserGoStyle,
  signGetUserWithOciCommon,
  startOciStandIn,
} from "@ociauth/oci-stand-in";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { createContextInner } from "../core/context";
import { newReqId } from "../rest/error-envelope";
import { createCaller } from "../trpc/router";
import { createTestApp, type TestApp } from "./harness";

const LOGIN = "/api/v1/auth/oci-auth/login";

/**
 * Lock-out resistance: attempts that prove no OCI identity are throttled per caller IP and never
 * spend the identity's budget, which only verified attempts (OCI accepted the signature) use.
 */
describe("login rate limits cannot lock a workload out", () => {
  let app: TestApp;
  let oci: OciStandIn;
  let adminToken: string;
  let orgId: string;
  const tenancyOcid = createTestOcid("tenancy");
  const workload = { id: createTestOcid("user"), key: createTestApiKey() };
  const intruder = { id: createTestOcid("user"), key: createTestApiKey() };

  let nextSecond = 0;
  const sign = (user: typeof workload, targetUserOcid?: string) => {
    nextSecond = Math.max(Math.floor(Date.now() / 1000), nextSecond + 1);
    return signGetUserWithOciCommon({
      tenancyOcid,
      userOcid: user.id,
      fingerprint: user.key.fingerprint,
      privateKeyPem: user.key.privateKeyPem,
      targetUserOcid,
      date: new Date(nextSecond * 1000),
    });
  };
  const login = (identityId: string, headers: Record<string, string>, ip: string, userOcid = workload.id) =>
    app.rest("POST", LOGIN, { body: { identityId, userOcid, headers }, ip });

  async function identityWithOciAuth() {
    const id = await app.createIdentity(adminToken, orgId, "member");
    const res = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid } });
    expect(res.status).toBe(200);
    return id;
  }

  /** Six different ways to fail before proving an OCI identity. */
  async function bogusAttempts(): Promise<Record<string, string>[]> {
    const valid = await sign(workload);
    const tampered = valid.authorization.replace(/signature="(.)/, (_m, c: string) => `signature="${c === "A" ? "B" : "A"}`);
    return [
      { ...valid, authorization: "Signature x" }, // malformed
      { ...valid, authorization: tampered }, // OCI rejects it
      await sign(intruder, workload.id), // signed by someone else
      { ...valid, host: "evil.example.com" }, // bad host
      {
        ...signGetUserGoStyle({
          tenancyOcid,
          userOcid: workload.id,
          fingerprint: workload.key.fingerprint,
          privateKeyPem: workload.key.privateKeyPem,
          date: new Date(Date.now() - 3600_000),
        }),
      }, // stale date
      { ...valid, authorization: `${valid.authorization}\u0000` }, // bad characters
    ];
  }

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    oci = await startOciStandIn({
      users: [
        { id: workload.id, compartmentId: tenancyOcid, name: "workload", publicKeys: [workload.key.publicKeyPem] },
        { id: intruder.id, compartmentId: tenancyOcid, name: "intruder", publicKeys: [intruder.key.publicKeyPem] },
      ],
    });
    overrideConfigForTesting({
      OCI_IDENTITY_ENDPOINT: oci.url,
      OCI_REQUEST_TIMEOUT_MS: 2000,
      RATE_LIMIT: "on",
      RATE_LIMIT_WINDOW_SECONDS: 60,
      RATE_LIMIT_LOGIN_PER_IP: 5,
      RATE_LIMIT_LOGIN_PER_IDENTITY: 4,
    });
  });
  afterAll(async () => {
    await oci.close();
    await app.close();
  });

  it("6 bogus logins from one IP: that IP gets 429 after its limit, the real workload from another IP logs in", async () => {
    const id = await identityWithOciAuth();
    const statuses = [];
    for (const headers of await bogusAttempts()) statuses.push((await login(id, headers, "198.51.100.10")).status);
    // More attempts than the identity's limit (4) got through before the IP's limit (5) stopped them.
    expect(statuses).toEqual([400, 401, 401, 400, 401, 429]);
    const res = await login(id, await sign(workload), "198.51.100.20");
    expect(res.status).toBe(200);
  });

  it("bogus logins spread over many IPs do not spend the identity's budget either", async () => {
    const id = await identityWithOciAuth();
    const bogus = [...(await bogusAttempts()), ...(await bogusAttempts())];
    const statuses = await Promise.all(bogus.map((headers, i) => login(id, headers, `203.0.113.${i + 1}`).then((r) => r.status)));
    expect(statuses).not.toContain(429);
    expect(statuses).not.toContain(200);
    expect((await login(id, await sign(workload), "198.51.100.21")).status).toBe(200);
  });

  it("verified attempts are limited per identity across addresses (the limit is checked before calling OCI)", async () => {
    const id = await identityWithOciAuth();
    for (let i = 0; i < 4; i++) expect((await login(id, await sign(workload), `192.0.2.${i + 1}`)).status).toBe(200);
    const before = oci.requests.length;
    const limited = await login(id, await sign(workload), "192.0.2.99");
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: "RateLimitExceeded" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(oci.requests.length).toBe(before);
    // Another identity is not affected.
    expect((await login(await identityWithOciAuth(), await sign(workload), "192.0.2.100")).status).toBe(200);
  });

  it("a login whose caller IP is unknown is limited too (one shared bucket)", async () => {
    const id = await identityWithOciAuth();
    const callerWithoutIp = () =>
      createCaller(createContextInner({ rt: app.rt, meta: { reqId: newReqId(), ip: null, userAgent: null, authorization: null } }));
    const outcomes = [];
    for (let i = 0; i < 6; i++) {
      const attempt = callerWithoutIp().ociAuth.login({
        identityId: id,
        userOcid: workload.id,
        headers: { ...(await sign(workload)), host: "evil.example.com" },
      });
      outcomes.push(
        await attempt.then(
          () => "ok",
          (e: { code?: string }) => e.code,
        ),
      );
    }
    expect(outcomes).toEqual([...Array(5).fill("BAD_REQUEST"), "TOO_MANY_REQUESTS"]);
    const another = await callerWithoutIp()
      .ociAuth.login({ identityId: id, userOcid: workload.id, headers: await sign(workload) })
      .catch((e: { code?: string }) => e.code);
    expect(another).toBe("TOO_MANY_REQUESTS");
  });
});
