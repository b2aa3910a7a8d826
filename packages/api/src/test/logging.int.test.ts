import { Writable } from "node:stream";
import { createTestApiKey, createTestOcid, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { getLogger, setLoggerDestinationForTesting } from "../core/logger";
import { startTestServer } from "../testing/test-server";

describe("logs never contain secrets", () => {
  const lines: string[] = [];
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let oci: Awaited<ReturnType<typeof startOciStandIn>>;
  const tenancyOcid = createTestOcid("tenancy");
  const userOcid = createTestOcid("user");
  const key = createTestApiKey();

  beforeAll(async () => {
    setLoggerDestinationForTesting(new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    server = await startTestServer();
    oci = await startOciStandIn({ users: [{ id: userOcid, compartmentId: tenancyOcid, name: "svc", publicKeys: [key.publicKeyPem] }] });
    overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url });
  });
  afterAll(async () => {
    await oci.close();
    await server.close();
  });

  it("logs each request without tokens, passwords, signatures or keys", async () => {
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const password = "very-secret-password-123";
    const boot = await post("/api/v1/admin/bootstrap", { email: "log@example.com", password, organization: "Logs" });
    const adminToken: string = boot.body.identity.credentials.token;
    const session = await post("/api/v1/auth/login", { email: "log@example.com", password });
    const identity = await post(
      "/api/v1/identities",
      { name: "svc", organizationId: boot.body.organization.id, role: "member" },
      adminToken,
    );
    await post(`/api/v1/auth/oci-auth/identities/${identity.body.identity.id}`, { tenancyOcid }, adminToken);
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid,
      fingerprint: key.fingerprint,
      privateKeyPem: key.privateKeyPem,
    });
    const login = await post("/api/v1/auth/oci-auth/login", { identityId: identity.body.identity.id, userOcid, headers });
    expect(login.status).toBe(200);
    await post("/api/v1/auth/login", { email: "log@example.com", password: "wrong-password-xyz" });
    await fetch(`${server.url}/api/v1/identities?search=${encodeURIComponent(adminToken)}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    // Redaction also covers objects the code logs itself.
    getLogger().warn({ authorization: `Bearer ${adminToken}`, headers: { authorization: headers.authorization }, password }, "probe");

    await new Promise((r) => setTimeout(r, 50));
    const output = lines.join("");
    expect(lines.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(7);
    expect(output).toContain('"path":"/api/v1/auth/oci-auth/login"');
    const signature = /signature="([^"]+)"/.exec(headers.authorization)![1]!;
    const secrets = [
      password,
      "wrong-password-xyz",
      adminToken,
      session.body.token,
      login.body.accessToken,
      signature,
      key.privateKeyPem.split("\n")[1]!,
    ];
    for (const secret of secrets) expect(output.includes(secret), `a secret leaked into the logs: ${secret.slice(0, 12)}…`).toBe(false);
    expect(output).toContain("[redacted]");
  });
});
