import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { handleTrpcRequest } from "../http/trpc-handler";
import { handleRestRequest } from "../rest/dispatch";
import { appRouter } from "../trpc/router";
import { expectError, expectUnchanged, userToken } from "./expect-helpers";
import { createTestApp, type TestApp, TENANCY } from "./harness";

/** A REST GET whose body may not be JSON (exports). */
async function download(path: string, token?: string) {
  const headers = new Headers(token ? { authorization: `Bearer ${token}` } : {});
  const response = await handleRestRequest(new Request(`http://localhost${path}`, { headers }), { ip: "127.0.0.1" });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("audit trail: target filter, old → new values, exports, failed logins", () => {
  let app: TestApp;
  let orgId: string;
  let admin: string;
  let target: string;
  let bystander: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ orgId } = await app.bootstrap());
    admin = (await userToken(app, orgId, "admin", "trail@example.com")).token;
    target = await app.createIdentity(admin, orgId, "member", 'target, "quoted"');
    bystander = await app.createIdentity(admin, orgId, "member", "bystander");
    await app.rest("POST", `/api/v1/auth/oci-auth/identities/${target}`, {
      token: admin,
      body: { tenancyOcid: TENANCY, allowedUsernames: "alice", accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }] },
    });
    await app.rest("PATCH", `/api/v1/identities/${bystander}`, { token: admin, body: { name: "bystander-2" } });
  });
  afterAll(() => app.close());

  describe("update events record the old and the new value of each changed field", () => {
    it("update-identity", async () => {
      const res = await app.rest("PATCH", `/api/v1/identities/${target}`, {
        token: admin,
        body: { role: "viewer", hasDeleteProtection: true, name: 'target, "quoted"' },
      });
      expect(res.status).toBe(200);
      const event = await app.db.auditEvent.findFirstOrThrow({ where: { eventType: "update-identity" }, orderBy: { createdAt: "desc" } });
      expect(event.metadata).toMatchObject({
        identityId: target,
        changedFields: ["role", "hasDeleteProtection"],
        before: { role: "member", hasDeleteProtection: false },
        after: { role: "viewer", hasDeleteProtection: true },
      });
      expect(Object.keys((event.metadata as any).before)).toEqual(["role", "hasDeleteProtection"]);
    });

    it("update-identity-oci-auth: only what really changed (a value sent unchanged is not a change)", async () => {
      const res = await app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${target}`, {
        token: admin,
        body: { accessTokenTTL: 600, allowedUsernames: "alice", accessTokenTrustedIps: [{ ipAddress: "192.168.1.0/24" }] },
      });
      expect(res.status).toBe(200);
      const event = await app.db.auditEvent.findFirstOrThrow({
        where: { eventType: "update-identity-oci-auth" },
        orderBy: { createdAt: "desc" },
      });
      const metadata = event.metadata as any;
      expect(metadata.changedFields).toEqual(["accessTokenTTL", "accessTokenTrustedIps"]);
      expect(metadata.before).toEqual({
        accessTokenTTL: 2592000,
        accessTokenTrustedIps: [{ ipAddress: "10.0.0.0", prefix: 8, type: "ipv4" }],
      });
      expect(metadata.after).toEqual({
        accessTokenTTL: 600,
        accessTokenTrustedIps: [{ ipAddress: "192.168.1.0", prefix: 24, type: "ipv4" }],
      });
    });
  });

  describe("targetIdentityId: the events about one identity, whoever acted", () => {
    it("lists only that identity's events, on REST and tRPC alike", async () => {
      const res = await app.rest("GET", `/api/v1/audit-logs?targetIdentityId=${target}&limit=100`, { token: admin });
      expect(res.status).toBe(200);
      const types = res.body.events.map((e: any) => e.eventType);
      expect(types).toEqual(["update-identity-oci-auth", "update-identity", "add-identity-oci-auth", "create-identity"]);
      for (const e of res.body.events) expect(e.metadata.identityId).toBe(target);
      expect(res.body.totalCount).toBe(4);
      const viaTrpc = await app.caller(admin).audit.list({ targetIdentityId: bystander });
      expect(viaTrpc.events.map((e) => e.eventType)).toEqual(["update-identity", "create-identity"]);
      const combined = await app.caller(admin).audit.list({ targetIdentityId: target, eventType: "create-identity" });
      expect(combined.totalCount).toBe(1);
    });

    it("422 for an id that is not a UUID, and nothing is written", async () => {
      const res = await expectUnchanged(app, () => app.rest("GET", "/api/v1/audit-logs?targetIdentityId=nope", { token: admin }));
      expect(res.status).toBe(422);
      expect(res.body.message.map((i: any) => i.path)).toEqual([["targetIdentityId"]]);
    });
  });

  describe("GET /api/v1/audit-logs/export", () => {
    it("CSV of the filtered view: every match, a download with the right headers", async () => {
      const res = await download(`/api/v1/audit-logs/export?format=csv&targetIdentityId=${target}`, admin);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-\d{8}T\d{6}Z\.csv"$/);
      expect(res.headers.get("x-request-id")).toBeTruthy();
      const lines = res.text.split("\r\n");
      expect(lines[0]).toBe("createdAt,eventType,event,actorType,actorId,actorName,identityId,ipAddress,userAgent,metadata,id");
      expect(lines.at(-1)).toBe("");
      expect(lines).toHaveLength(1 + 4 + 1);
      expect(lines[4]).toContain(",create-identity,Identity created,user,");
      // The name holds a comma and quotes: the metadata field is quoted with its quotes doubled.
      expect(lines[4]).toContain('""name"":""target, \\""quoted\\""""');
      expect(lines[4]).toContain(`""identityId"":""${target}""`);
    });

    it("JSON lines, paging through more events than one page of the list", async () => {
      for (let i = 0; i < 3; i++) await app.rest("GET", `/api/v1/identities/${bystander}`, { token: admin });
      const res = await download(`/api/v1/audit-logs/export?format=jsonl&targetIdentityId=${bystander}`, admin);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(/filename="audit-log-\d{8}T\d{6}Z\.jsonl"/);
      const events = res.text
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(events.map((e) => e.eventType)).toEqual([
        "get-identity",
        "get-identity",
        "get-identity",
        "update-identity",
        "create-identity",
      ]);
      expect(events[3]).toMatchObject({
        eventLabel: "Identity updated",
        metadata: { before: { name: "bystander" }, after: { name: "bystander-2" } },
      });
      const listed = await app.rest("GET", `/api/v1/audit-logs?targetIdentityId=${bystander}&limit=100`, { token: admin });
      expect(events.map(({ eventLabel: _, ...e }) => e)).toEqual(listed.body.events);

      const all = await download("/api/v1/audit-logs/export?format=jsonl", admin);
      expect(all.text.trimEnd().split("\n")).toHaveLength(await app.db.auditEvent.count({ where: { orgId } }));
    });

    it("is REST only: tRPC has no audit.export (a batch of exports cannot build files in memory)", async () => {
      expect(Object.keys(appRouter._def.procedures)).toContain("audit.list");
      expect(Object.keys(appRouter._def.procedures)).not.toContain("audit.export");
      const trpc = await handleTrpcRequest(
        new Request(`http://localhost/api/trpc/audit.export?input=${encodeURIComponent(JSON.stringify({ format: "csv" }))}`, {
          headers: { authorization: `Bearer ${admin}` },
        }),
        { ip: "127.0.0.1" },
      );
      expect(trpc.status).toBe(404);
    });

    it("refuses a bad format (422), no token (401) and no-access users (403), as JSON errors", async () => {
      const bad = await app.rest("GET", "/api/v1/audit-logs/export?format=xlsx", { token: admin });
      expect(bad.status).toBe(422);
      expect(bad.body.message).toEqual([expect.objectContaining({ path: ["format"], message: "format must be csv or jsonl" })]);
      expectError(await app.rest("GET", "/api/v1/audit-logs/export"), 401, "UnauthorizedError", "Token missing");
      const { token: noAccess } = await userToken(app, orgId, "no-access");
      expect((await app.rest("GET", "/api/v1/audit-logs/export", { token: noAccess })).status).toBe(403);
      const { token: viewer } = await userToken(app, orgId, "viewer");
      expect((await download("/api/v1/audit-logs/export?format=csv", viewer)).status).toBe(200);
    });
  });

  describe("failed OCI logins record who tried, never the signature", () => {
    let oci: OciStandIn;
    const tenancyOcid = createTestOcid("tenancy");
    const mallory = { id: createTestOcid("user"), key: createTestApiKey() };

    beforeAll(async () => {
      oci = await startOciStandIn({
        users: [{ id: mallory.id, compartmentId: tenancyOcid, name: "mallory", publicKeys: [mallory.key.publicKeyPem] }],
      });
      overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 2000 });
    });
    afterAll(() => oci.close());

    it("the OCI user of the keyId, the identity and the reason", async () => {
      // target allows only "alice" of TENANCY: mallory's tenancy is another one.
      const headers = await signGetUserWithOciCommon({
        tenancyOcid,
        userOcid: mallory.id,
        fingerprint: mallory.key.fingerprint,
        privateKeyPem: mallory.key.privateKeyPem,
      });
      const res = await app.rest("POST", "/api/v1/auth/oci-auth/login", {
        body: { identityId: target, userOcid: mallory.id, headers },
        ip: "198.51.100.7",
      });
      expect(res.status).toBe(401);
      const event = await app.db.auditEvent.findFirstOrThrow({
        where: { eventType: "login-identity-oci-auth-failed" },
        orderBy: { createdAt: "desc" },
      });
      expect(event).toMatchObject({ orgId, ipAddress: "198.51.100.7", actorId: target });
      expect(event.metadata).toMatchObject({ identityId: target, ociUserOcid: mallory.id, reasonCode: "tenancy_not_allowed" });
      expect(JSON.stringify(event.metadata)).not.toContain(headers.authorization.match(/signature="([^"]+)"/)![1]!);
      const listed = await app.caller(admin).audit.list({ targetIdentityId: target, eventType: "login-identity-oci-auth-failed" });
      expect(listed.events[0]?.metadata).toMatchObject({ ociUserOcid: mallory.id });
    });

    it("an unparseable signature names no OCI user, still the identity and the reason", async () => {
      const res = await app.rest("POST", "/api/v1/auth/oci-auth/login", {
        body: {
          identityId: target,
          userOcid: mallory.id,
          headers: {
            authorization: "Signature nonsense",
            host: "identity.us-ashburn-1.oraclecloud.com",
            "x-date": new Date().toUTCString(),
          },
        },
      });
      expect(res.status).toBe(400);
      const event = await app.db.auditEvent.findFirstOrThrow({
        where: { eventType: "login-identity-oci-auth-failed" },
        orderBy: { createdAt: "desc" },
      });
      expect(event.metadata).toMatchObject({ identityId: target, ociUserOcid: null, reasonCode: "invalid_signature" });
    });
  });
});
