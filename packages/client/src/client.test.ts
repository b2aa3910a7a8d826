import { describe, expect, expectTypeOf, it } from "vitest";
import { createOciAuthClient, createOciSession, loginWithOci, type OciLoginResult, OciAuthError } from "./index";
import { MAX_TRPC_BATCH_CALLS } from "@ociauth/schema";
import { adminClient, fixture, loginOptions } from "./test/fixture";

const TENANCY = "ocid1.tenancy.oc1..aaaaclienttest";

describe("createOciAuthClient against the running server", () => {
  it("creates an identity and manages its OCI auth with typed results", async () => {
    const client = adminClient();
    const { identity } = await client.identities.create.mutate({ name: "svc", organizationId: fixture().orgId, role: "member" });
    const attached = await client.ociAuth.attach.mutate({ identityId: identity.id, tenancyOcid: TENANCY, allowedUsernames: "svc-user" });
    expectTypeOf(attached.identityOciAuth.accessTokenTTL).toEqualTypeOf<number>();
    expect(attached.identityOciAuth).toMatchObject({ identityId: identity.id, tenancyOcid: TENANCY, allowedUsernames: "svc-user" });
    const updated = await client.ociAuth.update.mutate({ identityId: identity.id, accessTokenTTL: 60 });
    expect(updated.identityOciAuth.accessTokenTTL).toBe(60);
    const got = await client.ociAuth.get.query({ identityId: identity.id });
    expect(got.identityOciAuth.allowedUsernames).toBe("svc-user");
    const revoked = await client.ociAuth.revoke.mutate({ identityId: identity.id });
    expect(revoked.identityOciAuth.id).toBe(attached.identityOciAuth.id);
    const list = await client.identities.list.query({ organizationId: fixture().orgId });
    expect(list.identities.map((i) => i.name)).toContain("svc");
  });

  it("attaches Token Auth and creates, lists, renames and revokes a token with typed results", async () => {
    const client = adminClient();
    const { identity } = await client.identities.create.mutate({ name: "svc-token", organizationId: fixture().orgId, role: "viewer" });
    const { identityTokenAuth } = await client.tokenAuth.attach.mutate({
      identityId: identity.id,
      accessTokenTTL: 120,
      accessTokenMaxTTL: 240,
    });
    expectTypeOf(identityTokenAuth.accessTokenMaxTTL).toEqualTypeOf<number>();
    const created = await client.tokenAuth.createToken.mutate({ identityId: identity.id, name: "typed" });
    expectTypeOf(created.accessToken).toEqualTypeOf<string>();
    expect(created).toMatchObject({ expiresIn: 120, accessTokenMaxTTL: 240, tokenType: "Bearer", tokenData: { name: "typed" } });
    const asIdentity = createOciAuthClient({ url: fixture().url, token: created.accessToken });
    expect((await asIdentity.auth.me.query()).type).toBe("identity");
    const { tokens } = await client.tokenAuth.listTokens.query({ identityId: identity.id });
    expect(tokens.map((t) => [t.id, t.name])).toEqual([[created.tokenData.id, "typed"]]);
    expect((await client.tokenAuth.updateToken.mutate({ tokenId: created.tokenData.id, name: "renamed" })).token.name).toBe("renamed");
    expect(await client.tokenAuth.revokeToken.mutate({ tokenId: created.tokenData.id })).toEqual({
      message: "Successfully revoked access token",
    });
    await expect(asIdentity.auth.me.query()).rejects.toMatchObject({ status: 401 });
    expect((await client.tokenAuth.revoke.mutate({ identityId: identity.id })).identityTokenAuth.id).toBe(identityTokenAuth.id);
  });

  it("splits more concurrent calls than one batch may carry into several batches (all succeed)", async () => {
    let requests = 0;
    const client = createOciAuthClient({
      url: fixture().url,
      token: fixture().adminToken,
      fetch: (input, init) => (requests++, fetch(input, init)),
    });
    const calls = MAX_TRPC_BATCH_CALLS + 14;
    const answers = await Promise.all(Array.from({ length: calls }, () => client.auth.me.query()));
    expect(answers).toHaveLength(calls);
    expect(answers.every((me) => me.type === "identity")).toBe(true);
    expect(requests).toBe(2);
  });

  it("splits concurrent heavy calls into batches within the server's weight budget (all succeed)", async () => {
    const statuses: number[] = [];
    const client = createOciAuthClient({
      url: fixture().url,
      token: fixture().adminToken,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        statuses.push(res.status);
        return res;
      },
    });
    const organizationId = fixture().orgId;
    const lists = Array.from({ length: 12 }, () => client.identities.list.query({ organizationId }));
    const logins = Array.from({ length: 3 }, () => client.auth.login.mutate({ email: "nobody@example.com", password: "not-the-password" }));
    const reads = Array.from({ length: 3 }, () => client.auth.me.query());
    const answers = await Promise.allSettled([...lists, ...logins, ...reads]);
    expect(answers.filter((a) => a.status === "fulfilled")).toHaveLength(15);
    // 12 lists at 10 per batch (2 requests), 3 logins in one (each refused on its own, 401), 3 plain reads in one: none refused whole.
    expect(statuses.every((status) => status !== 413)).toBe(true);
    expect(statuses).toHaveLength(4);
  });

  it("uses getToken per request", async () => {
    let calls = 0;
    const client = createOciAuthClient({ url: fixture().url, getToken: () => (calls++, fixture().adminToken) });
    await client.auth.me.query();
    await client.auth.me.query();
    expect(calls).toBe(2);
  });

  it("surfaces errors as OciAuthError with status, error name and message", async () => {
    const client = adminClient();
    const missing = await client.ociAuth.get.query({ identityId: "00000000-0000-4000-8000-000000000000" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OciAuthError);
    expect(missing).toMatchObject({
      status: 404,
      error: "NotFound",
      message: "Failed to find identity with ID 00000000-0000-4000-8000-000000000000",
    });

    const invalid = await client.identities.create
      .mutate({ name: "", organizationId: fixture().orgId, role: "member" })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 422, error: "ValidationFailure", message: "Name cannot be empty" });
    expect((invalid as OciAuthError).issues?.[0]).toMatchObject({ path: ["name"], message: "Name cannot be empty" });

    const anonymous = createOciAuthClient({ url: fixture().url });
    await expect(anonymous.identities.list.query({})).rejects.toMatchObject({
      status: 401,
      error: "UnauthorizedError",
      message: "Token missing",
    });
  });

  it("reports an unreachable service as a NetworkError", async () => {
    const client = createOciAuthClient({ url: "http://127.0.0.1:9", token: "x" });
    await expect(client.auth.me.query()).rejects.toMatchObject({ status: 0, error: "NetworkError" });
  });
});

describe("the whole OCI flow through the typed API (compile-time checked)", () => {
  it("attaches, logs a workload in, reads, updates and revokes", async () => {
    const admin = adminClient();
    const { identity } = await admin.identities.create.mutate({ name: "typed-flow", organizationId: fixture().orgId, role: "member" });
    const attached = await admin.ociAuth.attach.mutate({
      identityId: identity.id,
      tenancyOcid: fixture().oci.tenancyOcid,
      allowedUsernames: fixture().oci.userName,
      accessTokenTrustedIps: [{ ipAddress: "127.0.0.1/32" }, { ipAddress: "::1" }],
      accessTokenTTL: 600,
      accessTokenMaxTTL: 3600,
    });
    expectTypeOf(attached.identityOciAuth.allowedUsernames).toEqualTypeOf<string | null>();
    expectTypeOf(attached.identityOciAuth.accessTokenTrustedIps[0]!.type).toEqualTypeOf<"ipv4" | "ipv6">();

    const login = await loginWithOci(loginOptions(identity.id));
    expectTypeOf(login).toEqualTypeOf<OciLoginResult>();
    expectTypeOf(login.expiresAt).toEqualTypeOf<Date | null>();
    expect(login).toMatchObject({ expiresIn: 600, accessTokenMaxTTL: 3600, tokenType: "Bearer" });

    const session = createOciSession(loginOptions(identity.id));
    const workload = createOciAuthClient({ url: fixture().url, getToken: session.getToken });
    const own = await workload.ociAuth.get.query({ identityId: identity.id });
    expect(own.identityOciAuth.accessTokenTrustedIps).toEqual([
      { ipAddress: "127.0.0.1", type: "ipv4", prefix: 32 },
      { ipAddress: "::1", type: "ipv6" },
    ]);

    const updated = await admin.ociAuth.update.mutate({ identityId: identity.id, allowedUsernames: null, accessTokenNumUsesLimit: 5 });
    expect(updated.identityOciAuth).toMatchObject({ allowedUsernames: null, accessTokenNumUsesLimit: 5, accessTokenTTL: 600 });

    await admin.ociAuth.revoke.mutate({ identityId: identity.id });
    await expect(workload.ociAuth.get.query({ identityId: identity.id })).rejects.toBeInstanceOf(OciAuthError);
    await session.close();
  });

  it("rejects wrong field names at compile time", () => {
    const client = adminClient();
    // @ts-expect-error tenancyOCID is not a field (tenancyOcid is)
    const attach = () => client.ociAuth.attach.mutate({ identityId: "x", tenancyOCID: TENANCY });
    // @ts-expect-error accessTokenTtl is not a field (accessTokenTTL is)
    const update = () => client.ociAuth.update.mutate({ identityId: "x", accessTokenTtl: 60 });
    const login = () =>
      // @ts-expect-error userOCID is not a login option (userOcid is)
      loginWithOci({ url: "", identityId: "x", tenancyOcid: "", userOcid: "", userOCID: "", fingerprint: "", privateKey: "", region: "" });
    // @ts-expect-error privateKey and privateKeyPath exclude each other
    const both = () => loginWithOci({ ...loginOptions("x"), privateKey: "k", privateKeyPath: "k.pem" });
    expect([attach, update, login, both].every((f) => typeof f === "function")).toBe(true);
  });
});
