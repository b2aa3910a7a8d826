import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectUnchanged, expectValidation, UNKNOWN_ID, userToken as mintUserToken } from "./expect-helpers";
import { createTestApp, PASSWORD, type TestApp, TENANCY } from "./harness";

const IP = "203.0.113.9";
const UA = "audit-suite/1.0";
const EVENT_KEYS = ["actor", "createdAt", "eventType", "id", "ipAddress", "metadata", "organizationId", "userAgent"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("audit log", () => {
  let app: TestApp;
  let adminToken: string;
  let adminIdentityId: string;
  let orgId: string;
  let userToken: string;
  let userId: string;
  const userEmail = "auditor@example.com";

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, adminIdentityId, orgId } = await app.bootstrap());
    ({ token: userToken, userId } = await mintUserToken(app, orgId, "admin", userEmail));
  });
  afterAll(() => app.close());

  /** A REST call from IP/UA that must write exactly one event of `eventType`; returns the response and the event row. */
  async function expectOneEvent(eventType: string, call: () => Promise<{ status: number; body: any }>) {
    const before = await app.db.auditEvent.count();
    const res = await call();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await app.db.auditEvent.count()).toBe(before + 1);
    const event = await app.db.auditEvent.findFirstOrThrow({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(event.eventType).toBe(eventType);
    return { res, event };
  }

  const asUser = { token: "", ip: IP, headers: { "user-agent": UA } };
  const user = () => ({ ...asUser, token: userToken });
  const identity = () => ({ ...asUser, token: adminToken });
  const userActor = () => ({ actorType: "user", actorId: userId, actorName: userEmail });
  const identityActor = () => ({ actorType: "identity", actorId: adminIdentityId, actorName: "admin" });

  describe("every management action writes an event with actor, org, IP and user agent", () => {
    let id: string;

    it("create-identity (user actor)", async () => {
      const { res, event } = await expectOneEvent("create-identity", () =>
        app.rest("POST", "/api/v1/identities", { ...user(), body: { name: "audited", organizationId: orgId, role: "member" } }),
      );
      id = res.body.identity.id;
      expect(event).toMatchObject({
        ...userActor(),
        orgId,
        ipAddress: IP,
        userAgent: UA,
        metadata: { identityId: id, name: "audited", role: "member" },
      });
    });

    it("get-identity", async () => {
      const { event } = await expectOneEvent("get-identity", () => app.rest("GET", `/api/v1/identities/${id}`, user()));
      expect(event).toMatchObject({ ...userActor(), orgId, ipAddress: IP, userAgent: UA, metadata: { identityId: id } });
    });

    it("update-identity (identity actor)", async () => {
      const { event } = await expectOneEvent("update-identity", () =>
        app.rest("PATCH", `/api/v1/identities/${id}`, { ...identity(), body: { name: "audited-2" } }),
      );
      expect(event).toMatchObject({
        ...identityActor(),
        orgId,
        ipAddress: IP,
        userAgent: UA,
        metadata: { identityId: id, name: "audited-2" },
      });
    });

    it("add-identity-oci-auth", async () => {
      const { res, event } = await expectOneEvent("add-identity-oci-auth", () =>
        app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, {
          ...user(),
          body: { tenancyOcid: TENANCY, allowedUsernames: "alice" },
        }),
      );
      expect(event).toMatchObject({ ...userActor(), orgId, ipAddress: IP, userAgent: UA });
      expect(event.metadata).toEqual({
        identityId: id,
        tenancyOcid: TENANCY,
        allowedUsernames: "alice",
        accessTokenTTL: 2592000,
        accessTokenMaxTTL: 2592000,
        accessTokenNumUsesLimit: 0,
        accessTokenTrustedIps: res.body.identityOciAuth.accessTokenTrustedIps,
        allowedPrincipalTypes: null,
        allowedCompartmentOcids: null,
        allowedPrincipalOcids: null,
        allowedRegions: null,
      });
    });

    it("get-identity-oci-auth", async () => {
      const { event } = await expectOneEvent("get-identity-oci-auth", () =>
        app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, identity()),
      );
      expect(event).toMatchObject({ ...identityActor(), orgId, ipAddress: IP, userAgent: UA, metadata: { identityId: id } });
    });

    it("update-identity-oci-auth", async () => {
      const { event } = await expectOneEvent("update-identity-oci-auth", () =>
        app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${id}`, { ...user(), body: { accessTokenTTL: 120 } }),
      );
      expect(event).toMatchObject({
        ...userActor(),
        orgId,
        ipAddress: IP,
        userAgent: UA,
        metadata: { identityId: id, accessTokenTTL: 120, changedFields: ["accessTokenTTL"] },
      });
    });

    it("revoke-identity-oci-auth", async () => {
      const { event } = await expectOneEvent("revoke-identity-oci-auth", () =>
        app.rest("DELETE", `/api/v1/auth/oci-auth/identities/${id}`, user()),
      );
      expect(event).toMatchObject({ ...userActor(), orgId, ipAddress: IP, userAgent: UA, metadata: { identityId: id } });
    });

    it("delete-identity", async () => {
      const { event } = await expectOneEvent("delete-identity", () => app.rest("DELETE", `/api/v1/identities/${id}`, identity()));
      expect(event).toMatchObject({
        ...identityActor(),
        orgId,
        ipAddress: IP,
        userAgent: UA,
        metadata: { identityId: id, name: "audited-2" },
      });
    });

    it("tRPC calls record the caller's IP (IPv6 too) and user agent", async () => {
      const before = await app.db.auditEvent.count();
      const created = await app
        .caller(adminToken, "2001:db8::7")
        .identities.create({ name: "via-trpc", organizationId: orgId, role: "viewer" });
      expect(await app.db.auditEvent.count()).toBe(before + 1);
      const event = await app.db.auditEvent.findFirstOrThrow({
        where: { eventType: "create-identity" },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      expect(event).toMatchObject({
        ...identityActor(),
        orgId,
        ipAddress: "2001:db8::7",
        userAgent: "vitest",
        metadata: { identityId: created.identity.id },
      });
    });

    it("user login writes login-user with the user as actor", async () => {
      const { event } = await expectOneEvent("login-user", () =>
        app.rest("POST", "/api/v1/auth/login", { ip: IP, headers: { "user-agent": UA }, body: { email: userEmail, password: PASSWORD } }),
      );
      expect(event).toMatchObject({ ...userActor(), orgId, ipAddress: IP, userAgent: UA });
    });
  });

  describe("rejected requests write no event", () => {
    it("401, 403, 404, 422 and 400 leave the audit log (and everything else) untouched", async () => {
      const { token: viewer } = await mintUserToken(app, orgId, "viewer");
      const target = await app.createIdentity(adminToken, orgId, "admin", "guarded");
      await app.rest("POST", `/api/v1/auth/oci-auth/identities/${target}`, { token: adminToken, body: { tenancyOcid: TENANCY } });
      const { token: member } = await mintUserToken(app, orgId, "member");
      const { token: noAccess } = await mintUserToken(app, orgId, "no-access");

      const cases: [() => Promise<any>, number][] = [
        [() => app.rest("POST", "/api/v1/identities", { body: { name: "x", organizationId: orgId, role: "member" } }), 401],
        [() => app.rest("POST", "/api/v1/identities", { token: viewer, body: { name: "x", organizationId: orgId, role: "member" } }), 403],
        [() => app.rest("DELETE", `/api/v1/identities/${target}`, { token: member }), 403],
        [() => app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${target}`, { token: member, body: { accessTokenTTL: 1 } }), 403],
        [() => app.rest("GET", `/api/v1/identities/${target}`, { token: noAccess }), 403],
        [() => app.rest("GET", `/api/v1/auth/oci-auth/identities/${target}`, { token: noAccess }), 403],
        [() => app.rest("GET", `/api/v1/identities/${UNKNOWN_ID}`, { token: adminToken }), 404],
        [() => app.rest("DELETE", `/api/v1/auth/oci-auth/identities/${UNKNOWN_ID}`, { token: adminToken }), 404],
        [
          () => app.rest("POST", "/api/v1/identities", { token: adminToken, body: { name: "", organizationId: orgId, role: "member" } }),
          422,
        ],
        [
          () =>
            app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${target}`, {
              token: adminToken,
              body: { accessTokenMaxTTL: 1, accessTokenTTL: 2 },
            }),
          422,
        ],
        [() => app.rest("POST", `/api/v1/auth/oci-auth/identities/${target}`, { token: adminToken, body: { tenancyOcid: TENANCY } }), 400],
      ];
      for (const [call, status] of cases) {
        const res = await expectUnchanged(app, call);
        expect(res.status).toBe(status);
      }
    });
  });

  describe("GET /api/v1/audit-logs", () => {
    let actorToken: string;
    let actorId: string;
    let t0: string;
    let t1: string;
    const ids: string[] = [];

    beforeAll(async () => {
      // A dedicated actor so filters can be checked exactly: 2 creates, then (after t0) 3 creates, then (after t1) 1 create.
      ({ userId: actorId } = await mintUserToken(app, orgId, "member", "window@example.com"));
      const login = await app.rest("POST", "/api/v1/auth/login", { body: { email: "window@example.com", password: PASSWORD } });
      expect(login.status).toBe(200);
      actorToken = login.body.token;
      const create = async (name: string) => ids.push(await app.createIdentity(actorToken, orgId, "viewer", name));
      await create("w-1");
      await create("w-2");
      await sleep(30);
      t0 = new Date().toISOString();
      await sleep(30);
      await create("w-3");
      await create("w-4");
      await create("w-5");
      await sleep(30);
      t1 = new Date().toISOString();
      await sleep(30);
      await create("w-6");
    });

    const logs = (query: string, token = userToken) => app.rest("GET", `/api/v1/audit-logs?${query}`, { token });
    const names = (body: any) => body.events.map((e: any) => e.metadata.name);
    /** The dedicated actor's create-identity events. */
    const mine = () => `actorId=${actorId}&eventType=create-identity`;

    it("lists the organization's events newest first with exact event keys", async () => {
      const res = await logs("limit=100");
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(["events", "nextOffset", "totalCount", "truncated"]);
      expect(res.body.totalCount).toBe(await app.db.auditEvent.count({ where: { orgId } }));
      for (const event of res.body.events) {
        expect(Object.keys(event).sort()).toEqual(EVENT_KEYS);
        expect(event.organizationId).toBe(orgId);
        expect(new Date(event.createdAt).toISOString()).toBe(event.createdAt);
      }
      const times = res.body.events.map((e: any) => e.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      const bootstrap = res.body.events.find((e: any) => e.eventType === "bootstrap-instance");
      expect(bootstrap).toBeDefined();
    });

    it("filters by actorId (and by actorId and eventType together)", async () => {
      const all = await logs(`actorId=${actorId}`);
      expect(all.status).toBe(200);
      // The actor's login and its 6 creates.
      expect(all.body.totalCount).toBe(7);
      expect(all.body.events.map((e: any) => e.eventType)).toEqual([...Array(6).fill("create-identity"), "login-user"]);
      for (const e of all.body.events) expect(e.actor).toEqual({ type: "user", id: actorId, name: "window@example.com" });

      const res = await logs(`actorId=${actorId}&eventType=create-identity`);
      expect(res.body.totalCount).toBe(6);
      expect(names(res.body)).toEqual(["w-6", "w-5", "w-4", "w-3", "w-2", "w-1"]);
    });

    it("filters by eventType", async () => {
      const res = await logs("eventType=bootstrap-instance");
      expect(res.body.totalCount).toBe(1);
      expect(res.body.events[0]).toMatchObject({ eventType: "bootstrap-instance", organizationId: orgId });
      const creates = await logs("eventType=create-identity&limit=100");
      expect(creates.body.totalCount).toBe(await app.db.auditEvent.count({ where: { orgId, eventType: "create-identity" } }));
      expect(new Set(creates.body.events.map((e: any) => e.eventType))).toEqual(new Set(["create-identity"]));
      const none = await logs(`eventType=login-identity-oci-auth`);
      expect(none.body).toEqual({ events: [], totalCount: 0, nextOffset: null, truncated: false });
    });

    it("filters by startDate and endDate (inclusive window)", async () => {
      expect(names((await logs(`${mine()}&startDate=${t0}`)).body)).toEqual(["w-6", "w-5", "w-4", "w-3"]);
      expect(names((await logs(`${mine()}&endDate=${t0}`)).body)).toEqual(["w-2", "w-1"]);
      const window = await logs(`${mine()}&startDate=${t0}&endDate=${t1}`);
      expect(window.body.totalCount).toBe(3);
      expect(names(window.body)).toEqual(["w-5", "w-4", "w-3"]);
      // The same instant written with an offset (the "+" percent-encoded, as a query string needs).
      const shifted = new Date(t0).getTime() + 2 * 3600_000;
      const withOffset = new Date(shifted)
        .toISOString()
        .replace("Z", "")
        .replace(/^(.*)$/, "$1%2B02:00");
      expect(names((await logs(`${mine()}&startDate=${withOffset}`)).body)).toEqual(["w-6", "w-5", "w-4", "w-3"]);
    });

    it("paginates with limit and offset; totalCount is the filtered total", async () => {
      const pages = [];
      for (const offset of [0, 4]) {
        const res = await logs(`${mine()}&limit=4&offset=${offset}`);
        expect(res.body.totalCount).toBe(6);
        pages.push(...names(res.body));
      }
      expect(pages).toEqual(["w-6", "w-5", "w-4", "w-3", "w-2", "w-1"]);
      const combined = await logs(`${mine()}&startDate=${t0}&limit=1&offset=1`);
      expect(combined.body.totalCount).toBe(4);
      expect(names(combined.body)).toEqual(["w-5"]);
    });

    it("tRPC audit.list returns the same as REST", async () => {
      const viaTrpc = await app.caller(userToken).audit.list({ actorId, limit: 3, offset: 1 });
      const viaRest = await logs(`actorId=${actorId}&limit=3&offset=1`);
      expect(viaTrpc).toEqual(viaRest.body);
    });

    it.each([
      ["eventType=drop-table", "eventType"],
      ["startDate=yesterday", "startDate"],
      ["endDate=2024-01-01", "endDate"],
      ["limit=0", "limit"],
      ["organizationId=acme", "organizationId"],
      ["actorId=%00", "actorId"],
      ["actorId=a%00b", "actorId"],
      ["startDate=0000-01-01T00:00:00Z", "startDate"],
      ["startDate=0001-01-01T00:00:00%2B01:00", "startDate"],
      ["endDate=9999-12-31T23:30:00-01:00", "endDate"],
      ["endDate=10000-01-01T00:00:00Z", "endDate"],
    ])("422 for ?%s", async (query, field) => {
      const res = await expectUnchanged(app, () => logs(query));
      expect(res.status).toBe(422);
      expect(res.body.error).toBe("ValidationFailure");
      expect(res.body.message.map((i: { path: string[] }) => i.path)).toEqual([[field]]);
    });

    it("422 messages for text PostgreSQL cannot store and dates it cannot handle say what is wrong", async () => {
      expectValidation(await logs("actorId=%00"), [
        { path: ["actorId"], message: "actorId must not contain NUL characters or unpaired surrogates" },
      ]);
      expectValidation(await logs("startDate=0000-01-01T00:00:00Z"), [
        {
          path: ["startDate"],
          message: "startDate must be a date between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (ISO 8601 with Z or an offset)",
        },
      ]);
      // The edges of the range are real dates: accepted.
      expect((await logs("startDate=0001-01-01T00:00:00Z&endDate=9999-12-31T23:59:59Z&limit=1")).status).toBe(200);
      await expect(app.caller(userToken).audit.list({ actorId: "\u0000" })).rejects.toMatchObject({ code: "UNPROCESSABLE_CONTENT" });
    });

    it("422 message for an unknown event type lists the issue", async () => {
      const res = await logs("eventType=drop-table");
      expectValidation(res, [{ path: ["eventType"], message: res.body.message[0].message }]);
      expect(res.body.message[0].code).toBe("invalid_value");
    });

    it("viewers may read the log; no-access users may not; no token is 401", async () => {
      const { token: viewer } = await mintUserToken(app, orgId, "viewer");
      expect((await logs("limit=1", viewer)).status).toBe(200);
      const { token: noAccess } = await mintUserToken(app, orgId, "no-access");
      expectError(await logs("limit=1", noAccess), 403, "PermissionDenied", "You are not allowed to read on identity", [
        { action: "read", subject: "identity", inverted: false, conditions: null },
      ]);
      expectError(await app.rest("GET", "/api/v1/audit-logs"), 401, "UnauthorizedError", "Token missing");
    });

    it("events of another organization are never visible", async () => {
      const other = await app.otherOrganization("Elsewhere");
      const foreign = await app.createIdentity(other.token, other.orgId, "member", "foreign-audited");
      const otherLogs = await logs("limit=100", other.token);
      expect(otherLogs.status).toBe(200);
      expect(otherLogs.body.events.length).toBeGreaterThan(0);
      for (const e of otherLogs.body.events) expect(e.organizationId).toBe(other.orgId);
      expect(otherLogs.body.events.map((e: any) => e.metadata.identityId)).toContain(foreign);

      const ours = await logs("limit=100");
      expect(ours.body.events.some((e: any) => e.organizationId !== orgId)).toBe(false);
      expect(ours.body.events.map((e: any) => e.metadata.identityId)).not.toContain(foreign);
      // Asking for the other organization explicitly reveals nothing.
      const explicit = await logs(`organizationId=${other.orgId}`);
      expectError(explicit, 404, "NotFound", `Failed to find organization with ID ${other.orgId}`);
      // Filtering by the other org's actor finds nothing in ours.
      const otherActor = (decodeJwt(other.token) as { userId: string }).userId;
      expect((await logs(`actorId=${otherActor}`)).body).toEqual({ events: [], totalCount: 0, nextOffset: null, truncated: false });
      expect(ids).toHaveLength(6);
    });
  });
});
