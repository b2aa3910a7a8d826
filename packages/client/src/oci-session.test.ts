import { beforeAll, describe, expect, it } from "vitest";
import { createOciAuthClient, createOciSession, OciAuthError, type OciSessionOptions, revokeAccessToken } from "./index";
import { countingFetch, createIdentityWithOciAuth, fixture, LOGIN_PATH, loginOptions, RENEW_PATH } from "./test/fixture";

const TTL = 3600;

/** A session on a fake clock, counting the HTTP requests it makes. */
function sessionFor(identityId: string, options: OciSessionOptions = {}) {
  const counter = countingFetch();
  let down = false;
  const fetch: typeof globalThis.fetch = (input, init) =>
    down ? Promise.reject(new TypeError("fetch failed")) : counter.fetch(input, init);
  const clock = { ms: Date.parse("2030-01-01T00:00:00Z") };
  const session = createOciSession(loginOptions(identityId, { fetch }), { now: () => clock.ms, ...options });
  return {
    session,
    logins: () => counter.count(LOGIN_PATH),
    renewals: () => counter.count(RENEW_PATH),
    advance: (seconds: number) => (clock.ms += seconds * 1000),
    setDown: (value: boolean) => (down = value),
  };
}

/** Calls the API with the token: resolves when the service accepts it. */
const useToken = (token: string, identityId: string) =>
  createOciAuthClient({ url: fixture().url, token }).ociAuth.get.query({ identityId });

describe("createOciSession", () => {
  let identityId: string;

  beforeAll(async () => {
    identityId = await createIdentityWithOciAuth({ accessTokenTTL: TTL, accessTokenMaxTTL: 86400 });
  });

  it("logs in lazily, then reuses the token while it is fresh", async () => {
    const s = sessionFor(identityId);
    expect(s.logins()).toBe(0);
    const token = await s.session.getToken();
    s.advance(TTL - 61);
    expect(await s.session.getToken()).toBe(token);
    expect(await s.session.getToken()).toBe(token);
    expect([s.logins(), s.renewals()]).toEqual([1, 0]);
    await useToken(token, identityId);
  });

  it("is single-flight: 25 concurrent getToken calls make one login", async () => {
    const s = sessionFor(identityId);
    const tokens = await Promise.all(Array.from({ length: 25 }, () => s.session.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(s.logins()).toBe(1);
  });

  it("renews refreshBeforeSeconds before expiry, once for concurrent callers, and the renewed token works", async () => {
    const s = sessionFor(identityId, { refreshBeforeSeconds: 120 });
    await s.session.getToken();
    s.advance(TTL - 119);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => s.session.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect([s.logins(), s.renewals()]).toEqual([1, 1]);
    await useToken(tokens[0]!, identityId);
    // The renewed token is good for another TTL on the session's clock.
    s.advance(TTL - 121);
    await s.session.getToken();
    expect([s.logins(), s.renewals()]).toEqual([1, 1]);
  });

  it("logs in again after invalidate(), without trying to renew the rejected token", async () => {
    const s = sessionFor(identityId);
    await s.session.getToken();
    s.session.invalidate();
    const token = await s.session.getToken();
    expect([s.logins(), s.renewals()]).toEqual([2, 0]);
    await useToken(token, identityId);
  });

  it("falls back to a fresh login when renew fails (the token was revoked: 401)", async () => {
    const s = sessionFor(identityId);
    const first = await s.session.getToken();
    await revokeAccessToken({ url: fixture().url, accessToken: first });
    s.advance(TTL - 30);
    const second = await s.session.getToken();
    expect([s.logins(), s.renewals()]).toEqual([2, 1]);
    expect(second).not.toBe(first);
    await useToken(second, identityId);
    await expect(useToken(first, identityId)).rejects.toMatchObject({ status: 401 });
  });

  it("with renew: false, logs in again instead of renewing", async () => {
    const s = sessionFor(identityId, { renew: false });
    await s.session.getToken();
    s.advance(TTL - 30);
    await s.session.getToken();
    expect([s.logins(), s.renewals()]).toEqual([2, 0]);
  });

  it("after expiry (on its clock), logs in rather than renewing a dead token", async () => {
    const s = sessionFor(identityId);
    await s.session.getToken();
    s.advance(TTL + 1);
    await s.session.getToken();
    expect([s.logins(), s.renewals()]).toEqual([2, 0]);
  });

  it("refreshes at most half a short lifetime early", async () => {
    const shortLived = await createIdentityWithOciAuth({ accessTokenTTL: 60, accessTokenMaxTTL: 600 });
    const s = sessionFor(shortLived, { refreshBeforeSeconds: 300 });
    await s.session.getToken();
    s.advance(29);
    await s.session.getToken();
    expect(s.renewals()).toBe(0);
    s.advance(2);
    await s.session.getToken();
    expect(s.renewals()).toBe(1);
  });

  it("keeps serving a still-valid token through an outage, retrying a few seconds later", async () => {
    const s = sessionFor(identityId);
    const token = await s.session.getToken();
    s.advance(TTL - 30);
    s.setDown(true);
    expect(await s.session.getToken()).toBe(token);
    expect(await s.session.getToken()).toBe(token); // no retry storm: the next attempt waits
    s.setDown(false);
    s.advance(6);
    await s.session.getToken();
    expect([s.logins(), s.renewals()]).toEqual([1, 1]);
  });

  it("rejects every concurrent caller when login fails, and retries on the next call", async () => {
    const s = sessionFor(identityId);
    s.setDown(true);
    const results = await Promise.allSettled([s.session.getToken(), s.session.getToken()]);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      expect((result as PromiseRejectedResult).reason).toMatchObject({ status: 0, error: "NetworkError" });
    }
    s.setDown(false);
    await s.session.getToken();
    expect(s.logins()).toBe(1);
  });

  it("surfaces login errors as OciAuthError", async () => {
    const s = sessionFor("00000000-0000-4000-8000-000000000000");
    const error = await s.session.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OciAuthError);
    expect(error).toMatchObject({ status: 404, error: "NotFound" });
  });

  it("plugs into createOciAuthClient as getToken", async () => {
    const s = sessionFor(identityId);
    const client = createOciAuthClient({ url: fixture().url, getToken: s.session.getToken });
    await Promise.all([client.ociAuth.get.query({ identityId }), client.auth.me.query(), client.ociAuth.get.query({ identityId })]);
    expect(s.logins()).toBe(1);
  });

  it("close(): getToken rejects afterwards; revokeOnClose revokes the token", async () => {
    const s = sessionFor(identityId, { revokeOnClose: true });
    const token = await s.session.getToken();
    await s.session.close();
    await expect(s.session.getToken()).rejects.toThrow("OCI session is closed");
    await expect(useToken(token, identityId)).rejects.toMatchObject({ status: 401 });

    const kept = sessionFor(identityId);
    const keptToken = await kept.session.getToken();
    await kept.session.close();
    await useToken(keptToken, identityId);
  });
});
