import { createServer, type Server } from "node:http";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { describe, expect, it } from "vitest";
import { createOciAuthClient, createTokenGuard, loginWithOci, revokeAccessToken, TokenVerificationError, verifyAccessToken } from "./index";
import { adminClient, createIdentityWithOciAuth, fixture, loginOptions } from "./test/fixture";
import { runCliInProcess } from "./test/run-cli-in-process";
import { runCliProcess } from "./test/run-cli-process";

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "accepted",
    (error: unknown) => (error instanceof TokenVerificationError ? error.reason : error),
  );

/** A fresh token from a real OCI user login (the stand-in's user), and the identity it is for. */
async function login(config: Parameters<typeof createIdentityWithOciAuth>[0] = {}) {
  const identityId = await createIdentityWithOciAuth(config);
  const { accessToken } = await loginWithOci(loginOptions(identityId));
  return { identityId, token: accessToken };
}

const online = (token: string) => verifyAccessToken(token, { issuer: fixture().url, mode: "online", accessToken: fixture().adminToken });

// One file for everything that verifies offline against the real server: the key rotation at the
// end must not race another file's cached key set.
describe("verifying the real server's tokens", () => {
  it("a token from a real login verifies offline and online, with the documented claims", async () => {
    const { identityId, token } = await login({ accessTokenTTL: 600 });
    const { oci, url, orgId } = fixture();
    const offline = await verifyAccessToken(token, { issuer: url });
    expect(offline).toMatchObject({
      active: true,
      mode: "offline",
      claims: {
        iss: url,
        sub: identityId,
        aud: url,
        authTokenType: "identityAccessToken",
        identityId,
        orgId,
        authMethod: "oci-auth",
        ociauth: {
          org_id: orgId,
          identity_name: expect.any(String),
          principal_type: "user",
          user_ocid: oci.userOcid,
          tenancy_ocid: oci.tenancyOcid,
        },
      },
    });
    expect(offline.claims.exp! - offline.claims.iat).toBeGreaterThanOrEqual(599);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "ES256", kid: expect.any(String) });

    const introspected = await online(token);
    expect(introspected).toMatchObject({ active: true, mode: "online", remainingUses: null, claims: { ...offline.claims } });
  });

  it("revoked: online refuses it at once, offline still accepts it until it expires (documented)", async () => {
    const { token } = await login();
    await revokeAccessToken({ url: fixture().url, accessToken: token });
    expect(await refusal(online(token))).toBe("inactive");
    expect(await refusal(verifyAccessToken(token, { issuer: fixture().url }))).toBe("accepted");
  });

  it("refuses another audience, another issuer, a dashboard session and a tampered token", async () => {
    const { token } = await login();
    const { url } = fixture();
    expect(await refusal(verifyAccessToken(token, { issuer: url, audience: "billing-api" }))).toBe("wrong_audience");
    expect(
      await refusal(verifyAccessToken(token, { issuer: url, audience: "billing-api", mode: "online", accessToken: fixture().adminToken })),
    ).toBe("wrong_audience");
    const session = await createOciAuthClient({ url }).auth.login.mutate({ email: "ops@example.com", password: "long-enough-password" });
    const refused = await verifyAccessToken(session.token, { issuer: url }).catch((error: Error) => error);
    expect(refused).toMatchObject({ reason: "invalid", message: "The token is a dashboard session, not an identity access token" });
    const [header, payload, signature] = token.split(".") as [string, string, string];
    expect(await refusal(verifyAccessToken(`${header}.${payload}.${signature.slice(0, -4)}AAAA`, { issuer: url }))).toBe("invalid");
    // The server's issuer is its URL: the same server under another name is refused (its discovery names the issuer).
    const otherName = url.replace("127.0.0.1", "localhost");
    expect(await refusal(verifyAccessToken(token, { issuer: otherName }))).toBe("unreachable");
  });

  it("a token asked for another audience (allowedAudiences) verifies for that audience only; this service's API refuses it", async () => {
    const identityId = await createIdentityWithOciAuth();
    await adminClient().identities.update.mutate({ identityId, allowedAudiences: ["billing-api"] });
    const { url } = fixture();
    const { accessToken } = await loginWithOci(loginOptions(identityId, { audience: "billing-api" }));
    const offline = await verifyAccessToken(accessToken, { issuer: url, audience: "billing-api" });
    expect(offline.claims).toMatchObject({ aud: "billing-api", iss: url, sub: identityId });
    expect(await refusal(verifyAccessToken(accessToken, { issuer: url }))).toBe("wrong_audience");
    const introspected = await verifyAccessToken(accessToken, {
      issuer: url,
      audience: "billing-api",
      mode: "online",
      accessToken: fixture().adminToken,
    });
    expect(introspected.claims.aud).toBe("billing-api");
    await expect(createOciAuthClient({ url, token: accessToken }).auth.me.query()).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("is for another service"),
    });
    await expect(loginWithOci(loginOptions(identityId, { audience: "other-api" }))).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("Audience other-api is not allowed for this identity"),
    });
  });

  it("the guard answers 401 with the envelope for a missing or invalid token and passes the claims of a good one (Node http)", async () => {
    const guard = createTokenGuard({ issuer: fixture().url });
    const server: Server = createServer((req, res) => {
      void guard.node(req, res).then((claims) => claims && res.end(JSON.stringify({ sub: claims.sub, org: claims.ociauth.org_id })));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const service = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const { identityId, token } = await login();
      const ok = await fetch(service, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ sub: identityId, org: fixture().orgId });
      const missing = await fetch(service);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({ statusCode: 401, error: "UnauthorizedError" });
      const invalid = await fetch(service, { headers: { authorization: `Bearer ${token.slice(0, -2)}` } });
      expect(invalid.status).toBe(401);
      expect(await invalid.json()).toMatchObject({
        statusCode: 401,
        error: "UnauthorizedError",
        message: expect.stringMatching(/invalid/),
      });
      // The service's own 401 has the same shape.
      const own = await fetch(`${fixture().url}/api/v1/auth/token/introspect`, { method: "POST" });
      expect(Object.keys(await own.json()).sort()).toEqual(expect.arrayContaining(["error", "message", "statusCode"]));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a relying party set up with openid-client's discovery verifies a token with the discovered jwks_uri (jose), as a third party would", async () => {
    const { identityId, token } = await login();
    const issuer = new URL(fixture().url);
    const config = await oidc.discovery(issuer, "billing-api", undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(fixture().url);
    expect(metadata.jwks_uri).toBe(`${fixture().url}/.well-known/jwks.json`);
    expect(metadata.id_token_signing_alg_values_supported).toContain("ES256");

    const keys = createRemoteJWKSet(new URL(metadata.jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer: metadata.issuer,
      audience: metadata.issuer,
      algorithms: metadata.id_token_signing_alg_values_supported,
    });
    expect(payload).toMatchObject({ sub: identityId, iss: fixture().url });
    expect(protectedHeader.alg).toBe("ES256");
    await expect(jwtVerify(token, keys, { issuer: metadata.issuer, audience: "billing-api" })).rejects.toThrow(/aud/);

    // RFC 7662 through openid-client too, authenticating with a resource server's own token.
    const withBearer = new oidc.Configuration(metadata, "billing-api", undefined, oidc.None());
    oidc.allowInsecureRequests(withBearer);
    withBearer[oidc.customFetch] = (url, options) => {
      const headers = new Headers(options.headers);
      headers.set("authorization", `Bearer ${fixture().adminToken}`);
      return fetch(url, { ...options, headers } as RequestInit);
    };
    expect(await oidc.tokenIntrospection(withBearer, token)).toMatchObject({ active: true, sub: identityId });
  });

  it("ociauth token verify exits 0 with the claims, 1 when refused", async () => {
    const { identityId, token } = await login();
    const env = { OCIAUTH_URL: fixture().url };
    const good = await runCliProcess(["token", "verify", token, "--json"], env);
    expect(good).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(good.stdout)).toMatchObject({ active: true, mode: "offline", claims: { sub: identityId } });
    const summary = await runCliProcess(["token", "verify", token], env);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain(`(${identityId})`);

    await revokeAccessToken({ url: fixture().url, accessToken: token });
    const revokedOnline = await runCliProcess(["token", "verify", token, "--online"], { ...env, OCIAUTH_TOKEN: fixture().adminToken });
    expect(revokedOnline).toMatchObject({ code: 1, stdout: "" });
    expect(revokedOnline.stderr).toMatch(/^error: token refused \(inactive\)/);
    const revokedOffline = await runCliProcess(["token", "verify", token], env);
    expect(revokedOffline.code).toBe(0);
    const wrong = await runCliProcess(["token", "verify", token, "--audience", "billing-api"], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: token refused \(wrong_audience\)/);
  });

  // Last: it rotates the instance's signing key.
  it("ociauth admin signing-keys and rotate-signing-key (confirmation unless --yes); old and new tokens verify offline", async () => {
    const env = { OCIAUTH_URL: fixture().url, OCIAUTH_TOKEN: fixture().adminToken };
    const before = await login();
    const list = await runCliProcess(["admin", "signing-keys"], env);
    expect(list).toMatchObject({ code: 0, stderr: "" });
    expect(list.stdout).toMatch(/^KID +ALG +CREATED +STATE +LIVE TOKENS\n/);
    const oldKid = decodeProtectedHeader(before.token).kid!;
    expect(list.stdout).toMatch(new RegExp(`\\n${oldKid} +ES256 +\\S+ +signing +\\d+`));

    // No terminal and no --yes: nothing rotates.
    const unconfirmed = await runCliProcess(["admin", "rotate-signing-key"], env);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain("No key rotated: answer y to confirm, or pass --yes");
    const declined = await runCliInProcess(["admin", "rotate-signing-key"], env, { prompt: async () => "n" });
    expect(declined.code).toBe(1);
    const unchanged = await runCliProcess(["admin", "signing-keys", "--json"], env);
    const keysBefore = (JSON.parse(unchanged.stdout) as { keys: { kid: string; state: string }[] }).keys;
    expect(keysBefore[0]).toMatchObject({ kid: oldKid, state: "signing" });

    let asked = "";
    const rotated = await runCliInProcess(["admin", "rotate-signing-key"], env, { prompt: async (question) => ((asked = question), "y") });
    expect(rotated).toMatchObject({ code: 0, stderr: "" });
    expect(asked).toMatch(/\[y\/N\] $/);
    const newKid = /^Signing key rotated: (\S+) signs new tokens/.exec(rotated.stdout)?.[1];
    expect(newKid).toBeDefined();
    expect(newKid).not.toBe(oldKid);

    const after = JSON.parse((await runCliProcess(["admin", "signing-keys", "--json"], env)).stdout) as {
      keys: { kid: string; state: string; liveTokens: number }[];
    };
    expect(after.keys[0]).toMatchObject({ kid: newKid, state: "signing" });
    expect(after.keys.find((key) => key.kid === oldKid)).toMatchObject({ state: "published" });

    const yes = await runCliProcess(["admin", "rotate-signing-key", "--yes", "--json"], env);
    expect(yes.code).toBe(0);
    const newest = (JSON.parse(yes.stdout) as { key: { kid: string; state: string } }).key;
    expect(newest).toMatchObject({ state: "signing" });

    // The key set cached above refetches for the new kid (after its 1 s cooldown).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const fresh = await login();
    expect(decodeProtectedHeader(fresh.token).kid).toBe(newest.kid);
    expect(await refusal(verifyAccessToken(fresh.token, { issuer: fixture().url }))).toBe("accepted");
    expect(await refusal(verifyAccessToken(before.token, { issuer: fixture().url }))).toBe("accepted");

    const forbidden = await runCliProcess(["admin", "signing-keys"], { OCIAUTH_URL: fixture().url, OCIAUTH_TOKEN: fresh.token });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^error: 403 /);
  });
});
