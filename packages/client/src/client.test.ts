import { startTestServer } from "@ociauth/web/testing";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createOciAuthClient, OciAuthError } from "./index";

const TENANCY = "ocid1.tenancy.oc1..aaaaclienttest";

describe("createOciAuthClient against the running server", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let token: string;
  let orgId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const anonymous = createOciAuthClient({ url: server.url });
    const boot = await anonymous.bootstrap.setup.mutate({ email: "ops@example.com", password: "long-enough-password", organization: "Org" });
    token = boot.identity.credentials.token;
    orgId = boot.organization.id;
  });
  afterAll(() => server.close());

  it("creates an identity and manages its OCI auth with typed results", async () => {
    const client = createOciAuthClient({ url: server.url, token });
    const { identity } = await client.identities.create.mutate({ name: "svc", organizationId: orgId, role: "member" });
    const attached = await client.ociAuth.attach.mutate({ identityId: identity.id, tenancyOcid: TENANCY, allowedUsernames: "svc-user" });
    expectTypeOf(attached.identityOciAuth.accessTokenTTL).toEqualTypeOf<number>();
    expect(attached.identityOciAuth).toMatchObject({ identityId: identity.id, tenancyOcid: TENANCY, allowedUsernames: "svc-user" });
    const updated = await client.ociAuth.update.mutate({ identityId: identity.id, accessTokenTTL: 60 });
    expect(updated.identityOciAuth.accessTokenTTL).toBe(60);
    const got = await client.ociAuth.get.query({ identityId: identity.id });
    expect(got.identityOciAuth.allowedUsernames).toBe("svc-user");
    const revoked = await client.ociAuth.revoke.mutate({ identityId: identity.id });
    expect(revoked.identityOciAuth.id).toBe(attached.identityOciAuth.id);
    const list = await client.identities.list.query({ organizationId: orgId });
    expect(list.identities.map((i) => i.name)).toContain("svc");
  });

  it("uses getToken per request", async () => {
    let calls = 0;
    const client = createOciAuthClient({ url: server.url, getToken: () => (calls++, token) });
    await client.auth.me.query();
    await client.auth.me.query();
    expect(calls).toBe(2);
  });

  it("surfaces errors as OciAuthError with status, error name and message", async () => {
    const client = createOciAuthClient({ url: server.url, token });
    const missing = await client.ociAuth.get.query({ identityId: "00000000-0000-4000-8000-000000000000" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OciAuthError);
    expect(missing).toMatchObject({ status: 404, error: "NotFound", message: "Failed to find identity with ID 00000000-0000-4000-8000-000000000000" });

    const invalid = await client.identities.create.mutate({ name: "", organizationId: orgId, role: "member" }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, error: "ValidationFailure" });
    expect((invalid as OciAuthError).issues?.[0]).toMatchObject({ path: ["name"], message: "Name cannot be empty" });

    const anonymous = createOciAuthClient({ url: server.url });
    await expect(anonymous.identities.list.query({})).rejects.toMatchObject({ status: 401, error: "UnauthorizedError", message: "Token missing" });
  });

  it("rejects wrong field names at compile time", () => {
    const client = createOciAuthClient({ url: server.url, token });
    // @ts-expect-error tenancyOCID is not a field (tenancyOcid is)
    const call = () => client.ociAuth.attach.mutate({ identityId: "x", tenancyOCID: TENANCY });
    expect(typeof call).toBe("function");
  });
});
