import { openDatabase } from "@ociauth/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig, overrideConfigForTesting } from "../core/config";
import { createContextInner } from "../core/context";
import { startRuntime } from "../core/runtime";
import { enforceRateLimit } from "../services/rate-limit/rate-limit-service";
import { createTestApp, type TestApp } from "./harness";

const LOGIN = "/api/v1/auth/oci-auth/login";
const loginBody = (identityId: string) => ({
  identityId,
  userOcid: "ocid1.user.oc1..aaaa",
  headers: { authorization: "Signature x", host: "identity.us-ashburn-1.oraclecloud.com", date: new Date().toUTCString() },
});

describe("rate limiting of login and bootstrap", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    overrideConfigForTesting({
      RATE_LIMIT: "on",
      RATE_LIMIT_WINDOW_SECONDS: 60,
      RATE_LIMIT_LOGIN_PER_IP: 3,
      RATE_LIMIT_LOGIN_PER_IDENTITY: 4,
      RATE_LIMIT_BOOTSTRAP_PER_IP: 2,
    });
  });
  afterAll(() => app.close());

  it("answers 429 with Retry-After once an IP spends its login budget", async () => {
    const id = "00000000-0000-4000-8000-00000000000a";
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.rest("POST", LOGIN, { body: loginBody(id), ip: "198.51.100.1" })).status);
    expect(statuses).toEqual([404, 404, 404]);
    const limited = await app.rest("POST", LOGIN, { body: loginBody(id), ip: "198.51.100.1" });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: "RateLimitExceeded" });
    expect(limited.body.message).toMatch(/^Rate limit exceeded\. Please try again in \d+ seconds$/);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another address is not affected.
    expect((await app.rest("POST", LOGIN, { body: loginBody(id), ip: "198.51.100.2" })).status).toBe(404);
  });

  it("130 addresses of one IPv6 /64, spelt every which way, share one budget (password login): 429 once it is spent", async () => {
    const spellings = (i: number) => {
      const hex = i.toString(16);
      return [
        `2001:db8:77:1::${hex}`,
        `2001:0DB8:0077:0001:0000:0000:0000:${hex.padStart(4, "0").toUpperCase()}`,
        `2001:db8:77:1:${hex}:${hex}:${hex}:${hex}`,
        `2001:db8:77:1::${hex}%eth0`,
        `2001:db8:77:1:0:0:${i}.0.2.1`,
      ][i % 5]!;
    };
    const statuses: number[] = [];
    for (let i = 1; i <= 130; i++) {
      const res = await app.rest("POST", "/api/v1/auth/login", {
        body: { email: `guess-${i}@example.com`, password: "not-the-password" },
        ip: spellings(i),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3).every((status) => status === 429)).toBe(true);
    // The next /64 has a budget of its own.
    expect(
      (await app.rest("POST", "/api/v1/auth/login", { body: { email: "x@example.com", password: "nope" }, ip: "2001:db8:77:2::1" })).status,
    ).toBe(401);
  });

  it("an IPv4-mapped IPv6 caller shares the budget of its IPv4 address", async () => {
    const statuses = [];
    for (const ip of ["198.51.100.9", "::ffff:198.51.100.9", "::FFFF:c633:6409", "198.51.100.9"]) {
      statuses.push((await app.rest("POST", LOGIN, { body: loginBody("00000000-0000-4000-8000-00000000000c"), ip })).status);
    }
    expect(statuses).toEqual([404, 404, 404, 429]);
  });

  it("does not spend an identity's budget on attempts that prove no OCI identity (see login-lockout.int.test.ts)", async () => {
    const id = "00000000-0000-4000-8000-00000000000b";
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await app.rest("POST", LOGIN, { body: loginBody(id), ip: `203.0.113.${i + 1}` })).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404]);
  });

  it("never exempts an unknown caller IP: null IPs share one bucket", async () => {
    const config = getConfig();
    const unknownCaller = () =>
      createContextInner({ rt: app.rt, config, meta: { reqId: "req-test", ip: null, userAgent: null, authorization: null } });
    const outcomes = [];
    for (let i = 0; i < 4; i++)
      outcomes.push(
        await enforceRateLimit(unknownCaller(), "bootstrap-ip", null).then(
          () => "ok",
          (e: Error) => e.message,
        ),
      );
    expect(outcomes.slice(0, 2)).toEqual(["ok", "ok"]);
    expect(outcomes[2]).toMatch(/^Rate limit exceeded/);
    expect(outcomes[3]).toMatch(/^Rate limit exceeded/);
  });

  it("limits bootstrap attempts per IP", async () => {
    const body = { email: "a@example.com", password: "a-long-password!", organization: "Org" };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.rest("POST", "/api/v1/admin/bootstrap", { body, ip: "192.0.2.77" })).status);
    expect(statuses).toEqual([200, 400, 429]);
  });

  it("holds across app instances sharing the database", async () => {
    // A second instance = a second client (and pool) on the same database.
    const target = app.database.target;
    const other = target.kind === "postgres" ? await openDatabase(target) : null;
    const otherRuntime = other ? await startRuntime(other) : null;
    const contexts = [app.rt, otherRuntime ?? app.rt].map((rt) =>
      createContextInner({ rt, config: getConfig(), meta: { reqId: "req-test", ip: "192.0.2.200", userAgent: null, authorization: null } }),
    );
    try {
      const outcomes = [];
      for (let i = 0; i < 4; i++) {
        outcomes.push(
          await enforceRateLimit(contexts[i % 2]!, "login-ip", "192.0.2.200").then(
            () => "ok",
            (e: Error) => e.message,
          ),
        );
      }
      expect(outcomes.slice(0, 3)).toEqual(["ok", "ok", "ok"]);
      expect(outcomes[3]).toMatch(/^Rate limit exceeded/);
    } finally {
      await otherRuntime?.close();
      await other?.close();
    }
  });

  it("is off with RATE_LIMIT=off", async () => {
    overrideConfigForTesting({ RATE_LIMIT: "off" });
    try {
      const id = "00000000-0000-4000-8000-00000000000a";
      expect((await app.rest("POST", LOGIN, { body: loginBody(id), ip: "198.51.100.1" })).status).toBe(404);
    } finally {
      overrideConfigForTesting({ RATE_LIMIT: "on" });
    }
  });
});
