import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOciAuthClient, createOciSession, loginWithOci, OciAuthError, type OciLoginOptions } from "./index";
import { CHALLENGE_PATH, PRINCIPAL_LOGIN_PATH } from "./oci-principal-login";
import { adminClient, countingFetch, createIdentityWithOciAuth, fixture, RENEW_PATH } from "./test/fixture";
import { runCliProcess } from "./test/run-cli-process";

/** The instance principal of the stand-in's compute instance (metadata service and federation at the stand-in). */
const instanceOptions = (identityId: string, extra: Partial<OciLoginOptions> = {}): OciLoginOptions =>
  ({
    url: fixture().url,
    identityId,
    principal: "instance",
    metadataBaseUrl: fixture().instance.metadataUrl,
    federationEndpoint: fixture().ociUrl,
    ...extra,
  }) as OciLoginOptions;

/** Who the server says logged in with the identity's newest token. */
async function lastLogin(identityId: string) {
  const { tokens } = await adminClient().tokens.list.query({ identityId });
  return tokens[0];
}

describe("loginWithOci as an OCI principal (oci-common's providers against the stand-in, through the real server)", () => {
  let instances: string;
  let functions: string;
  let users: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    instances = await createIdentityWithOciAuth({
      allowedPrincipalTypes: ["instance"],
      allowedCompartmentOcids: fixture().instance.compartmentOcid,
    });
    functions = await createIdentityWithOciAuth({ allowedPrincipalTypes: ["resource"] });
    users = await createIdentityWithOciAuth({ accessTokenTTL: 600 });
  });
  afterEach(() => {
    for (const name of Object.keys(fixture().fn.env)) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  it("logs in as the compute instance; the region comes from the metadata service", async () => {
    const counted = countingFetch();
    const result = await loginWithOci(instanceOptions(instances, { fetch: counted.fetch }));
    expect(result).toMatchObject({ tokenType: "Bearer" });
    expect(counted.count(CHALLENGE_PATH)).toBe(1);
    expect(counted.count(PRINCIPAL_LOGIN_PATH)).toBe(1);
    expect(await lastLogin(instances)).toMatchObject({
      ociPrincipalType: "instance",
      ociPrincipalOcid: fixture().instance.id,
      ociCompartmentOcid: fixture().instance.compartmentOcid,
      ociRegion: "us-ashburn-1",
    });
    const client = createOciAuthClient({ url: fixture().url, token: result.accessToken });
    expect((await client.ociAuth.get.query({ identityId: instances })).identityOciAuth.allowedPrincipalTypes).toEqual(["instance"]);
  });

  it("logs in as an OCI Function (resource principal from OCI_RESOURCE_PRINCIPAL_*)", async () => {
    Object.assign(process.env, fixture().fn.env);
    const result = await loginWithOci({ url: fixture().url, identityId: functions, principal: "resource" });
    expect(result.tokenType).toBe("Bearer");
    expect(await lastLogin(functions)).toMatchObject({ ociPrincipalType: "resource", ociPrincipalOcid: fixture().fn.id });
  });

  it("logs in with an API key through the principal login", async () => {
    const { oci, url } = fixture();
    const result = await loginWithOci({
      url,
      identityId: users,
      principal: "api-key",
      tenancyOcid: oci.tenancyOcid,
      userOcid: oci.userOcid,
      fingerprint: oci.fingerprint,
      privateKeyPath: oci.keyPath,
      region: "us-ashburn-1",
    });
    expect(result).toMatchObject({ expiresIn: 600, tokenType: "Bearer" });
    expect(await lastLogin(users)).toMatchObject({ ociPrincipalType: "user", ociPrincipalOcid: oci.userOcid, ociUserOcid: oci.userOcid });
  });

  it("the server's refusal arrives as OciAuthError (an instance on an identity for users only)", async () => {
    const error = await loginWithOci(instanceOptions(users)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OciAuthError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as OciAuthError).message).toContain('Add "instance" to allowedPrincipalTypes');
  });

  it("signs the inner request for the URL it is given: its host and port, whatever path the URL has", async () => {
    const signedHosts: string[] = [];
    const recording: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.pathname === PRINCIPAL_LOGIN_PATH) {
        const { authenticateClient } = JSON.parse(String(init?.body)) as { authenticateClient: { body: string } };
        const { requestHeaders } = JSON.parse(authenticateClient.body) as { requestHeaders: Record<string, string[]> };
        signedHosts.push(requestHeaders.host![0]!);
        expect(requestHeaders["(request-target)"]![0]).toMatch(new RegExp(`^get ${PRINCIPAL_LOGIN_PATH}\\?challenge=[A-Za-z0-9_-]{43}$`));
      }
      return fetch(input, init);
    };
    await loginWithOci(instanceOptions(instances, { fetch: recording }));
    await loginWithOci(instanceOptions(instances, { fetch: recording, url: `${fixture().url}/` }));
    const { host } = new URL(fixture().url);
    expect(signedHosts).toEqual([host, host]);
  });

  it("a URL other than the server's PUBLIC_URL is refused by the server (401 wrong_audience)", async () => {
    // The same server under another name: the client signs for that name, which is not the server's.
    const { port } = new URL(fixture().url);
    const renamed: typeof fetch = (input, init) =>
      fetch(String(input instanceof Request ? input.url : input).replace(`http://ociauth.invalid:${port}`, fixture().url), init);
    const error = await loginWithOci(instanceOptions(instances, { fetch: renamed, url: `http://ociauth.invalid:${port}` })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OciAuthError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as OciAuthError).message).toContain(
      `the inner request was signed for "ociauth.invalid:${port}", not for this service (${fixture().url})`,
    );
  });

  it("createOciSession logs in again with a new challenge, instead of renewing", async () => {
    const counted = countingFetch();
    let clock = Date.now();
    const session = createOciSession(instanceOptions(instances, { fetch: counted.fetch }), { now: () => clock });
    const first = await session.getToken();
    clock += 30 * 24 * 3600 * 1000; // the default TTL: past the refresh point
    const second = await session.getToken();
    expect(second).not.toBe(first);
    expect(counted.count(CHALLENGE_PATH)).toBe(2);
    expect(counted.count(PRINCIPAL_LOGIN_PATH)).toBe(2);
    expect(counted.count(RENEW_PATH)).toBe(0);
    await session.close();
  });

  it("input problems are TypeErrors before any request", async () => {
    const counted = countingFetch();
    await expect(
      loginWithOci({ ...instanceOptions(instances, { fetch: counted.fetch }), region: "IAD" } as OciLoginOptions),
    ).rejects.toThrow(/Invalid OCI region "IAD"/);
    await expect(loginWithOci({ ...instanceOptions(instances), principal: "vm" } as unknown as OciLoginOptions)).rejects.toThrow(
      'Unknown principal "vm": use "instance", "resource" or "api-key".',
    );
    delete process.env.OCI_RESOURCE_PRINCIPAL_VERSION;
    await expect(loginWithOci({ url: fixture().url, identityId: functions, principal: "resource" })).rejects.toThrow();
    expect(counted.total()).toBe(0);
  });
});

describe("ociauth login --auth", () => {
  let instances: string;
  const admin = () => ({ OCIAUTH_URL: fixture().url });

  beforeAll(async () => {
    instances = await createIdentityWithOciAuth({ allowedPrincipalTypes: ["instance"] });
  });

  it("instance_principal prints a token", async () => {
    const run = await runCliProcess(
      [
        "login",
        "--auth",
        "instance_principal",
        "--identity-id",
        instances,
        "--metadata-url",
        fixture().instance.metadataUrl,
        "--federation-endpoint",
        fixture().ociUrl,
      ],
      admin(),
    );
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout.trim()).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("resource_principal reads the OCI_RESOURCE_PRINCIPAL_* environment", async () => {
    const functions = await createIdentityWithOciAuth({ allowedPrincipalTypes: ["resource"] });
    const run = await runCliProcess(["login", "--auth", "resource_principal", "--identity-id", functions, "--json"], {
      ...admin(),
      ...fixture().fn.env,
    });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toMatchObject({ tokenType: "Bearer" });
  });

  it("usage errors: an unknown method, API-key flags with a principal", async () => {
    const [unknown, stray] = await Promise.all([
      runCliProcess(["login", "--auth", "vm", "--identity-id", instances], admin()),
      runCliProcess(["login", "--auth", "instance_principal", "--identity-id", instances, "--user-ocid", "ocid1.user.oc1..x"], admin()),
    ]);
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toContain('error: unknown --auth "vm": use instance_principal, resource_principal, api_key');
    expect(stray).toMatchObject({ code: 2, stdout: "" });
    expect(stray.stderr).toContain("error: --user-ocid is for API keys; --auth instance_principal signs with the principal itself");
  });
});
