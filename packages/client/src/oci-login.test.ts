import { createPrivateKey } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createOciAuthClient, loginWithOci, OciAuthError, signOciGetUser } from "./index";
import { closedPortUrl, countingFetch, createIdentityWithOciAuth, fixture, LOGIN_PATH, loginOptions } from "./test/fixture";

describe("loginWithOci against the server and the OCI stand-in", () => {
  let identityId: string;

  beforeAll(async () => {
    identityId = await createIdentityWithOciAuth({ accessTokenTTL: 900, accessTokenMaxTTL: 7200 });
  });

  it("logs in with an inline private key; the token works with the typed client", async () => {
    const before = Date.now();
    const result = await loginWithOci(loginOptions(identityId));
    expect(result).toMatchObject({ expiresIn: 900, accessTokenMaxTTL: 7200, tokenType: "Bearer" });
    expect(result.accessToken).toMatch(/^eyJ/);
    expect(result.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 900_000);
    expect(result.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);

    const client = createOciAuthClient({ url: fixture().url, token: result.accessToken });
    const { identityOciAuth } = await client.ociAuth.get.query({ identityId });
    expect(identityOciAuth.tenancyOcid).toBe(fixture().oci.tenancyOcid);
  });

  it("sends organizationSlug: the identity's organization's logs in, an unknown one is 404; the token reads the slug", async () => {
    const result = await loginWithOci(loginOptions(identityId, { organizationSlug: "client-tests" }));
    const client = createOciAuthClient({ url: fixture().url, token: result.accessToken });
    expect((await client.identities.details.query()).identityDetails.organization).toMatchObject({
      id: fixture().orgId,
      slug: "client-tests",
    });
    const refused = await loginWithOci(loginOptions(identityId, { organizationSlug: "no-such-org" })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OciAuthError);
    expect(refused).toMatchObject({ status: 404, error: "NotFound", message: "Organization with slug no-such-org not found" });
  });

  it("several logins with one key in the same process all succeed (each signature gets its own second)", async () => {
    const results = await Promise.all([1, 2, 3].map(() => loginWithOci(loginOptions(identityId))));
    expect(results.map((r) => r.tokenType)).toEqual(["Bearer", "Bearer", "Bearer"]);
  });

  it("signs again when the server refuses a signature as already used (another process signed in the same second)", async () => {
    // The first request carries a header set that was already used to log in; the retry is fresh.
    const used = await signOciGetUser({ ...fixture().oci, region: "us-ashburn-1" });
    const first = await fetch(`${fixture().url}${LOGIN_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identityId, userOcid: fixture().oci.userOcid, headers: used }),
    });
    expect(first.status).toBe(200);
    // Identical headers from the same address are accepted again within 2 s of their first use
    // (concurrent identical logins): past that grace they are a replay.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const statuses: number[] = [];
    let calls = 0;
    const replaying: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      const res = await fetch(input, { ...init, body: JSON.stringify(calls++ === 0 ? { ...body, headers: used } : body) });
      statuses.push(res.status);
      return res;
    };
    const result = await loginWithOci(loginOptions(identityId, { fetch: replaying }));
    expect(result.tokenType).toBe("Bearer");
    expect(statuses).toEqual([401, 200]);
  });

  it("logs in with a private key file", async () => {
    const result = await loginWithOci(loginOptions(identityId, { privateKey: undefined, privateKeyPath: fixture().oci.keyPath }));
    expect(result.tokenType).toBe("Bearer");
  });

  it("logs in with an encrypted key and its passphrase; a wrong passphrase is a clear error", async () => {
    const encrypted = createPrivateKey(fixture().oci.privateKeyPem)
      .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" })
      .toString();
    const result = await loginWithOci(loginOptions(identityId, { privateKey: encrypted, passphrase: "s3cret" }));
    expect(result.tokenType).toBe("Bearer");

    const counter = countingFetch();
    await expect(
      loginWithOci(loginOptions(identityId, { privateKey: encrypted, passphrase: "wrong", fetch: counter.fetch })),
    ).rejects.toThrow("Could not read the OCI API private key (privateKey): wrong passphrase.");
    await expect(loginWithOci(loginOptions(identityId, { privateKey: encrypted, fetch: counter.fetch }))).rejects.toThrow(
      "the key is encrypted; pass its passphrase.",
    );
    expect(counter.total()).toBe(0);
  });

  it("a missing key file or a non-key is a TypeError before any request", async () => {
    const counter = countingFetch();
    await expect(
      loginWithOci(loginOptions(identityId, { privateKey: undefined, privateKeyPath: "/nonexistent/key.pem", fetch: counter.fetch })),
    ).rejects.toThrow(/^Could not read the OCI API private key file \/nonexistent\/key.pem: ENOENT/);
    await expect(loginWithOci(loginOptions(identityId, { privateKey: "not a key", fetch: counter.fetch }))).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(counter.total()).toBe(0);
  });

  it("a wrong fingerprint is rejected by OCI: OciAuthError 401 UnauthorizedError", async () => {
    const error = await loginWithOci(loginOptions(identityId, { fingerprint: "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff" })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OciAuthError);
    expect(error).toMatchObject({ status: 401, error: "UnauthorizedError" });
    expect((error as OciAuthError).message).toMatch(/OCI rejected the signed request/);
  });

  it("a bad region is a clear error before any request", async () => {
    const counter = countingFetch();
    for (const region of ["IAD", "us_ashburn_1", "us-ashburn-1.evil.com", ""]) {
      const error = await loginWithOci(loginOptions(identityId, { region, fetch: counter.fetch })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(
        `Invalid OCI region ${JSON.stringify(region)}: expected a region identifier such as us-ashburn-1`,
      );
    }
    expect(counter.total()).toBe(0);
  });

  it("signs for the region's identity host", async () => {
    const counter = countingFetch();
    const spy = vi.fn(counter.fetch);
    await loginWithOci(loginOptions(identityId, { region: "eu-frankfurt-1", fetch: spy }));
    const body = JSON.parse(spy.mock.calls[0]![1]!.body as string) as { headers: Record<string, string> };
    expect(body.headers.host).toBe("identity.eu-frankfurt-1.oraclecloud.com");
    expect(body.headers.authorization).toContain('headers="x-date (request-target) host"');
    expect(counter.count(LOGIN_PATH)).toBe(1);
  });

  it("an identity without OCI auth is 404 NotFound", async () => {
    const { identity } = await createOciAuthClient({ url: fixture().url, token: fixture().adminToken }).identities.create.mutate({
      name: "no-oci-auth",
      organizationId: fixture().orgId,
      role: "member",
    });
    await expect(loginWithOci(loginOptions(identity.id))).rejects.toMatchObject({
      status: 404,
      error: "NotFound",
      message: "OCI auth method not found for identity, did you configure OCI auth?",
    });
  });

  it("a 422 joins the validation issue messages and keeps the issues", async () => {
    const error = (await loginWithOci(loginOptions("not-a-uuid")).catch((e: unknown) => e)) as OciAuthError;
    expect(error).toMatchObject({ status: 422, error: "ValidationFailure" });
    expect(error.issues?.[0]).toMatchObject({ path: ["identityId"] });
    expect(error.message).toBe(error.issues!.map((i) => i.message).join("; "));
  });

  it("an unreachable service is OciAuthError status 0 NetworkError", async () => {
    const url = await closedPortUrl();
    const error = await loginWithOci(loginOptions(identityId, { url })).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, error: "NetworkError" });
    expect((error as Error).message).toMatch(new RegExp(`^Could not reach ${url}/api/v1/auth/oci-auth/login: .*ECONNREFUSED`));
  });

  it("a service that does not answer in time is a NetworkError naming the timeout", async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason as Error)));
    await expect(loginWithOci(loginOptions(identityId, { fetch: hang, timeoutMs: 50 }))).rejects.toMatchObject({
      status: 0,
      error: "NetworkError",
      message: `Request to ${fixture().url}/api/v1/auth/oci-auth/login timed out after 50 ms`,
    });
  });
});
