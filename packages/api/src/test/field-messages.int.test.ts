import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../testing/test-server";

const TENANCY = "ocid1.tenancy.oc1..aaaaaaaaexampletenancy";

/** The operator reads the schema's message, not zod's wording, whichever door the request came in by. */
describe("REST and tRPC say the same thing about a bad field", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let token: string;
  let identityId: string;

  const call = async (path: string, init: { method?: string; body: unknown }) => {
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(init.body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };

  beforeAll(async () => {
    server = await startTestServer();
    const boot = await fetch(`${server.url}/api/v1/admin/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "fields@example.com", password: "a-long-password!", organization: "Fields" }),
    }).then((r) => r.json() as Promise<any>);
    token = boot.identity.credentials.token;
    const created = await call("/api/v1/identities", { body: { name: "ttl-check", organizationId: boot.organization.id } });
    identityId = created.json.identity.id;
  });
  afterAll(() => server.close());

  it.each([
    [1.5, "Access token TTL must be a whole number of seconds"],
    [-1, "Access token TTL must be 0 or more"],
    ["60", "Access token TTL must be a whole number of seconds"],
  ])("accessTokenTTL %j → %s on both", async (ttl, message) => {
    const rest = await call(`/api/v1/auth/oci-auth/identities/${identityId}`, { body: { tenancyOcid: TENANCY, accessTokenTTL: ttl } });
    const trpc = await call("/api/trpc/ociAuth.attach", { body: { identityId, tenancyOcid: TENANCY, accessTokenTTL: ttl } });
    expect([rest.status, trpc.status]).toEqual([422, 422]);
    expect(rest.json.message).toEqual([expect.objectContaining({ path: ["accessTokenTTL"], message })]);
    expect(trpc.json.error.data.issues).toEqual([expect.objectContaining({ path: ["accessTokenTTL"], message })]);
    // Nothing was attached.
    const get = await fetch(`${server.url}/api/v1/auth/oci-auth/identities/${identityId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(get.status).toBe(404);
  });
});
