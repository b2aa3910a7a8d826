import { messages } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { backoffKeyOfEmail } from "../services/rate-limit/login-backoff-fns";
import { expectError, userToken } from "./expect-helpers";
import { createTestApp, PASSWORD, type TestApp } from "./harness";

const LOGIN = "/api/v1/auth/login";
const WRONG = "not-the-password";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The per-account back-off of password logins: 3 attempts back to back, then 1 s, 2 s, capped at
 * 4 s (short settings for the test); whatever the caller's address, in the database.
 */
describe("password logins: per-account back-off", () => {
  let app: TestApp;
  let orgId: string;
  let ownerToken: string;
  let identityToken: string;
  let ipCounter = 0;
  /** Every attempt from another address: the per-IP limit never applies, only the account's budget. */
  const attempt = (email: string, password = WRONG) =>
    app.rest("POST", LOGIN, { body: { email, password }, ip: `198.18.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}` });
  const statuses = async (email: string, count: number, password = WRONG) => {
    const result = [];
    for (let i = 0; i < count; i++) result.push((await attempt(email, password)).status);
    return result;
  };
  const newUser = async () => (await userToken(app, orgId, "member")).email;

  beforeAll(async () => {
    app = await createTestApp();
    overrideConfigForTesting({
      RATE_LIMIT: "on",
      RATE_LIMIT_LOGIN_PER_IP: 10_000,
      LOGIN_BACKOFF_FREE_ATTEMPTS: 3,
      LOGIN_BACKOFF_BASE_SECONDS: 1,
      LOGIN_BACKOFF_MAX_SECONDS: 4,
    });
    const boot = await app.bootstrap();
    orgId = boot.orgId;
    identityToken = boot.adminToken;
    ownerToken = (await app.rest("POST", LOGIN, { body: { email: "admin@example.com", password: PASSWORD } })).body.token;
  });
  afterAll(() => app.close());

  it("from many addresses: 3 attempts, then 429 with Retry-After even for the right password; once the delay has passed one attempt runs; delays double", async () => {
    const email = await newUser();
    expect(await statuses(email, 3)).toEqual([401, 401, 401]);
    const delayed = await attempt(email, PASSWORD);
    expectError(delayed, 429, "RateLimitExceeded", "Rate limit exceeded. Please try again in 1 seconds");
    expect(delayed.headers.get("retry-after")).toBe("1");
    await sleep(1_050);
    expect(await statuses(email, 2)).toEqual([401, 429]); // one attempt, then the next delay (2 s)
    const doubled = await attempt(email, PASSWORD);
    expect(doubled.status).toBe(429);
    expect(doubled.headers.get("retry-after")).toBe("2");
    await sleep(2_050);
    expect((await attempt(email, PASSWORD)).status).toBe(200);
  });

  it("a successful login resets the budget", async () => {
    const email = await newUser();
    expect(await statuses(email, 2)).toEqual([401, 401]);
    expect((await attempt(email, PASSWORD)).status).toBe(200);
    expect(await statuses(email, 4)).toEqual([401, 401, 401, 429]);
  });

  it("an unknown email is delayed exactly like a known one: same statuses, messages and Retry-After", async () => {
    const known = await newUser();
    const unknown = `nobody-${Date.now()}@example.com`;
    const answers = async (email: string) => {
      const result = [];
      for (let i = 0; i < 4; i++) {
        const res = await attempt(email);
        result.push({ status: res.status, message: res.body.message, retryAfter: res.headers.get("retry-after") });
      }
      return result;
    };
    const [forKnown, forUnknown] = [await answers(known), await answers(unknown)];
    expect(forUnknown).toEqual(forKnown);
    expect(forKnown.map((a) => a.status)).toEqual([401, 401, 401, 429]);
    expect(forKnown[0]!.message).toBe(messages.invalidCredentials);
  });

  it("10 concurrent attempts on one account: exactly 3 run, 7 are delayed", async () => {
    const email = await newUser();
    const results = await Promise.all(Array.from({ length: 10 }, () => attempt(email)));
    const counts = results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 401: 3, 429: 7 });
  });

  it("the delay never exceeds LOGIN_BACKOFF_MAX_SECONDS, however many failures", async () => {
    const email = await newUser();
    expect(await statuses(email, 3)).toEqual([401, 401, 401]);
    // As if the account had failed 60 times (2^57 s uncapped), its last delay over.
    await app.db
      .$executeRaw`UPDATE login_backoffs SET failures = 60, "nextAttemptAt" = now() - interval '1 second' WHERE key = ${backoffKeyOfEmail(email)}`;
    expect((await attempt(email)).status).toBe(401);
    const capped = await attempt(email);
    expect(capped.status).toBe(429);
    expect(Number(capped.headers.get("retry-after"))).toBeLessThanOrEqual(4);
  });

  it("holds across app instances sharing the database (tRPC on the other instance: TOO_MANY_REQUESTS)", async () => {
    const email = await newUser();
    const other = await app.otherInstance();
    try {
      expect(await statuses(email, 2)).toEqual([401, 401]);
      await expect(other.caller.auth.login({ email, password: WRONG })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      await expect(other.caller.auth.login({ email, password: PASSWORD })).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
        message: expect.stringMatching(/^Rate limit exceeded/),
      });
      expect((await attempt(email, PASSWORD)).status).toBe(429);
    } finally {
      await other.close();
    }
  });

  describe("how an admin clears it", () => {
    const unlockPath = (userId: string) => `/api/v1/organizations/${orgId}/users/${userId}/unlock`;
    const delayedUser = async () => {
      const user = await userToken(app, orgId, "viewer");
      expect(await statuses(user.email, 4)).toEqual([401, 401, 401, 429]);
      return user;
    };

    it("POST …/users/{userId}/unlock (admin user): the next sign-in runs at once; audited", async () => {
      const user = await delayedUser();
      const res = await app.rest("POST", unlockPath(user.userId), { token: ownerToken });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect((await attempt(user.email, PASSWORD)).status).toBe(200);
      const event = await app.db.auditEvent.findFirst({ where: { eventType: "unlock-org-user" }, orderBy: { createdAt: "desc" } });
      expect(event).toMatchObject({ orgId, actorType: "user", metadata: { userId: user.userId, email: user.email, cleared: true } });
    });

    it("tRPC users.unlock does the same", async () => {
      const user = await delayedUser();
      expect(await app.caller(ownerToken).users.unlock({ organizationId: orgId, userId: user.userId })).toEqual({ ok: true });
      expect((await attempt(user.email)).status).toBe(401);
    });

    it("an admin's password reset clears it too", async () => {
      const user = await delayedUser();
      const newPassword = "a-fresh-password-for-you";
      expect(
        (
          await app.rest("POST", `/api/v1/organizations/${orgId}/users/${user.userId}/password`, {
            token: ownerToken,
            body: { newPassword },
          })
        ).status,
      ).toBe(200);
      expect((await attempt(user.email, newPassword)).status).toBe(200);
    });

    it("members: 403 PermissionDenied; machine identities: 403 (it would speed up guessing); the delay stays", async () => {
      const user = await delayedUser();
      const member = await userToken(app, orgId, "member");
      expectError(
        await app.rest("POST", unlockPath(user.userId), { token: member.token }),
        403,
        "PermissionDenied",
        "You are not allowed to unlock users",
      );
      expectError(
        await app.rest("POST", unlockPath(user.userId), { token: identityToken }),
        403,
        "ForbiddenError",
        messages.machineManagesHumans,
      );
      await expect(app.caller(identityToken).users.unlock({ organizationId: orgId, userId: user.userId })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      expect((await attempt(user.email, PASSWORD)).status).toBe(429);
    });
  });

  it("is off with RATE_LIMIT=off", async () => {
    const email = await newUser();
    overrideConfigForTesting({ RATE_LIMIT: "off" });
    try {
      expect(await statuses(email, 5)).toEqual([401, 401, 401, 401, 401]);
    } finally {
      overrideConfigForTesting({ RATE_LIMIT: "on" });
    }
  });
});
