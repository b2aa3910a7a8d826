import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OciAuthError, TokenVerificationError, verifyAccessToken } from "./index";
import { closedPortUrl } from "./test/fixture";
import { type LocalIssuer, startLocalIssuer } from "./test/local-issuer";

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "accepted",
    (error: unknown) => (error instanceof TokenVerificationError ? error.reason : error),
  );

describe("verifyAccessToken offline, against a local issuer", () => {
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    await issuer.addKey("k1");
  });
  afterAll(() => issuer.close());

  it("returns the claims of a good token and reuses the cached key set on later calls", async () => {
    const token = await issuer.sign("k1");
    const result = await verifyAccessToken(token, { issuer: issuer.url });
    expect(result).toMatchObject({
      active: true,
      mode: "offline",
      claims: { iss: issuer.url, sub: "identity-1", aud: issuer.url, authTokenType: "identityAccessToken", ociauth: { org_slug: "acme" } },
    });
    const before = [issuer.requests("/.well-known/openid-configuration"), issuer.requests("/.well-known/jwks.json")];
    // A trailing slash names the same issuer (and the same cache).
    await verifyAccessToken(await issuer.sign("k1", { jti: "token-2" }), { issuer: `${issuer.url}/` });
    await verifyAccessToken(token, { issuer: issuer.url, mode: "offline" });
    expect([issuer.requests("/.well-known/openid-configuration"), issuer.requests("/.well-known/jwks.json")]).toEqual(before);
    expect(before).toEqual([1, 1]);
  });

  it("refuses expired, wrong-audience, foreign-issuer, not-yet-valid and session tokens with their reason", async () => {
    const now = Math.floor(Date.now() / 1000);
    const verify = async (claims: Record<string, unknown>, audience?: string) =>
      refusal(verifyAccessToken(await issuer.sign("k1", claims), { issuer: issuer.url, audience }));
    expect(await verify({ exp: now - 120, iat: now - 700, nbf: now - 700 })).toBe("expired");
    expect(await verify({ aud: "billing-api" })).toBe("wrong_audience");
    expect(await verify({ aud: "billing-api" }, "billing-api")).toBe("accepted");
    expect(await verify({}, "billing-api")).toBe("wrong_audience");
    expect(await verify({ iss: "https://evil.example" })).toBe("invalid");
    expect(await verify({ nbf: now + 3600 })).toBe("invalid");
    expect(await verify({ authTokenType: "accessToken", userId: "user-1", identityId: null })).toBe("invalid");
    expect(await verify({ ociauth: null })).toBe("invalid");
    // No expiry at all is a token that lives until revoked.
    expect(await verify({ exp: null })).toBe("accepted");
    const session = await verifyAccessToken(await issuer.sign("k1", { authTokenType: "accessToken" }), { issuer: issuer.url }).catch(
      (error: Error) => error,
    );
    expect(session).toBeInstanceOf(TokenVerificationError);
    expect((session as Error).message).toMatch(/dashboard session/);
  });

  it("refuses a tampered signature, another algorithm under a published kid, and an empty token", async () => {
    const token = await issuer.sign("k1");
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "admin" })).toString(
      "base64url",
    );
    expect(await refusal(verifyAccessToken(`${header}.${forged}.${signature}`, { issuer: issuer.url }))).toBe("invalid");
    // HS256 "signed" with the public key's text: the algorithm is pinned to ES256.
    const hs = await new SignJWT({ authTokenType: "identityAccessToken" })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .setIssuer(issuer.url)
      .setAudience(issuer.url)
      .sign(new TextEncoder().encode("x".repeat(32)));
    expect(await refusal(verifyAccessToken(hs, { issuer: issuer.url }))).toBe("invalid");
    expect(await refusal(verifyAccessToken("not-a-jwt", { issuer: issuer.url }))).toBe("invalid");
    expect(await refusal(verifyAccessToken("", { issuer: issuer.url }))).toBe("invalid");
  });

  it("refetches the key set for a new kid (rotation) and refuses a kid that stays unknown", async () => {
    await issuer.addKey("k2", { publish: false });
    const token = await issuer.sign("k2");
    const fetches = issuer.requests("/.well-known/jwks.json");
    expect(await refusal(verifyAccessToken(token, { issuer: issuer.url }))).toBe("unknown_key");
    issuer.publish("k2");
    // Refetched once the 1 s cooldown after the last fetch has passed.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await verifyAccessToken(token, { issuer: issuer.url })).claims.jti).toBe("token-1");
    expect(issuer.requests("/.well-known/jwks.json")).toBeGreaterThan(fetches);
    await issuer.addKey("k3", { publish: false });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await refusal(verifyAccessToken(await issuer.sign("k3"), { issuer: issuer.url }))).toBe("unknown_key");
  });
});

describe("verifyAccessToken offline when the issuer cannot be used", () => {
  it("is unreachable when nothing listens, and tries discovery again on the next call", async () => {
    const url = await closedPortUrl();
    expect(await refusal(verifyAccessToken("a.b.c", { issuer: url }))).toBe("unreachable");
    expect(await refusal(verifyAccessToken("a.b.c", { issuer: url }))).toBe("unreachable");
  });

  it("is unreachable when the discovery document names another issuer", async () => {
    const issuer = await startLocalIssuer();
    try {
      await issuer.addKey("k1");
      issuer.discoveryIssuer = "https://elsewhere.example";
      const error = await verifyAccessToken(await issuer.sign("k1"), { issuer: issuer.url }).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: "unreachable", message: expect.stringMatching(/names the issuer https:\/\/elsewhere/) });
      // Not cached: once the document is right, the same issuer works.
      issuer.discoveryIssuer = undefined;
      expect((await verifyAccessToken(await issuer.sign("k1"), { issuer: issuer.url })).active).toBe(true);
    } finally {
      await issuer.close();
    }
  });

  it("uses the fetch it is given for discovery and the key set", async () => {
    const issuer = await startLocalIssuer();
    try {
      await issuer.addKey("k1");
      const seen: string[] = [];
      const fetchSpy: typeof fetch = (input, init) => {
        seen.push(new URL(input instanceof Request ? input.url : input.toString()).pathname);
        return fetch(input, init);
      };
      await verifyAccessToken(await issuer.sign("k1"), { issuer: issuer.url, fetch: fetchSpy });
      expect(seen).toEqual(["/.well-known/openid-configuration", "/.well-known/jwks.json"]);
    } finally {
      await issuer.close();
    }
  });
});

describe("verifyAccessToken online, against a local introspection endpoint", () => {
  let issuer: LocalIssuer;
  let lastForm: URLSearchParams | undefined;
  const active = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      active: true,
      token_type: "Bearer",
      remaining_uses: 4,
      iss: issuer.url,
      sub: "identity-9",
      aud: issuer.url,
      iat: now,
      nbf: now,
      jti: "token-9",
      ociauth: { org_id: "org-9", org_slug: "acme", identity_name: "w", auth_method: "token-auth" },
      ...overrides,
    };
  };
  beforeAll(async () => {
    issuer = await startLocalIssuer();
  });
  afterAll(() => issuer.close());

  it("sends the token form-encoded with this service's own token, and returns the claims and remaining uses", async () => {
    issuer.introspect = (form, bearer) => (
      (lastForm = form),
      bearer === "rs-token" ? { status: 200, body: active() } : { status: 401, body: {} }
    );
    const result = await verifyAccessToken("presented", {
      issuer: issuer.url,
      mode: "online",
      accessToken: "rs-token",
      clientIp: "10.1.2.3",
    });
    expect(Object.fromEntries(lastForm!)).toEqual({ token: "presented", client_ip: "10.1.2.3" });
    expect(result).toEqual({
      active: true,
      mode: "online",
      remainingUses: 4,
      claims: {
        ...active(),
        active: undefined,
        token_type: undefined,
        remaining_uses: undefined,
        authTokenType: "identityAccessToken",
        identityId: "identity-9",
        orgId: "org-9",
        authMethod: "token-auth",
        iat: result.claims.iat,
        nbf: result.claims.nbf,
      },
    });
  });

  it("refuses an inactive token, another audience or issuer; the issuer refusing this service's own token is an OciAuthError", async () => {
    const online = (options: { audience?: string } = {}) =>
      refusal(verifyAccessToken("presented", { issuer: issuer.url, mode: "online", accessToken: "rs-token", ...options }));
    issuer.introspect = () => ({ status: 200, body: { active: false } });
    expect(await online()).toBe("inactive");
    issuer.introspect = () => ({ status: 200, body: active({ aud: "billing-api" }) });
    expect(await online()).toBe("wrong_audience");
    expect(await online({ audience: "billing-api" })).toBe("accepted");
    issuer.introspect = () => ({ status: 200, body: active({ iss: "https://other.example" }) });
    expect(await online()).toBe("invalid");
    issuer.introspect = () => ({ status: 200, body: { active: "yes" } });
    expect(await online()).toBe("unreachable");
    issuer.introspect = () => ({ status: 500, body: { statusCode: 500, message: "Something went wrong", error: "InternalServerError" } });
    expect(await online()).toBe("unreachable");
    issuer.introspect = () => ({ status: 401, body: { statusCode: 401, message: "Token expired", error: "UnauthorizedError" } });
    const error = await online();
    expect(error).toBeInstanceOf(OciAuthError);
    expect(error).toMatchObject({ status: 401, message: "Token expired" });
    await expect(verifyAccessToken("presented", { issuer: issuer.url, mode: "online" })).rejects.toThrow(/needs accessToken/);
    expect(await refusal(verifyAccessToken("t", { issuer: await closedPortUrl(), mode: "online", accessToken: "x" }))).toBe("unreachable");
  });
});
