import { messages } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, TENANCY } from "./harness";

const KEYS = [
  "accessTokenMaxTTL",
  "accessTokenNumUsesLimit",
  "accessTokenPeriod",
  "accessTokenTTL",
  "accessTokenTrustedIps",
  "allowedUsernames",
  "createdAt",
  "id",
  "identityId",
  "tenancyOcid",
  "type",
  "updatedAt",
];

const SEED_BODY = {
  tenancyOcid: TENANCY,
  allowedUsernames: "alice,bob",
  accessTokenTrustedIps: [{ ipAddress: "0.0.0.0/0" }, { ipAddress: "::/0" }],
  accessTokenTTL: 2592000,
  accessTokenMaxTTL: 2592000,
  accessTokenNumUsesLimit: 0,
};

describe("OCI auth configuration API (REST)", () => {
  let app: TestApp;
  let token: string;
  let orgId: string;
  const path = (id: string) => `/api/v1/auth/oci-auth/identities/${id}`;
  const newIdentity = () => app.createIdentity(token, orgId);
  const configCount = (identityId: string) => app.db.identityOciAuth.count({ where: { identityId } });

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken: token, orgId } = await app.bootstrap());
  });
  afterAll(() => app.close());

  it("attaches with the seed's body and returns exactly the spec's keys", async () => {
    const id = await newIdentity();
    const res = await app.rest("POST", path(id), { token, body: SEED_BODY });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["identityOciAuth"]);
    const config = res.body.identityOciAuth;
    expect(Object.keys(config).sort()).toEqual(KEYS);
    expect(config).toMatchObject({
      identityId: id,
      type: "iam",
      tenancyOcid: TENANCY,
      allowedUsernames: "alice, bob",
      accessTokenTTL: 2592000,
      accessTokenMaxTTL: 2592000,
      accessTokenNumUsesLimit: 0,
      accessTokenPeriod: 0,
      accessTokenTrustedIps: [
        { ipAddress: "0.0.0.0", type: "ipv4", prefix: 0 },
        { ipAddress: "::", type: "ipv6", prefix: 0 },
      ],
    });
    expect(new Date(config.createdAt).toISOString()).toBe(config.createdAt);
    expect(config.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toMatch(/^req-[A-Za-z0-9]{14}$/);
  });

  it("fills every omitted field with its default", async () => {
    const id = await newIdentity();
    const res = await app.rest("POST", path(id), { token, body: { tenancyOcid: `  ${TENANCY}  ` } });
    expect(res.status).toBe(200);
    expect(res.body.identityOciAuth).toMatchObject({
      tenancyOcid: TENANCY,
      allowedUsernames: null,
      accessTokenTTL: 2592000,
      accessTokenMaxTTL: 2592000,
      accessTokenNumUsesLimit: 0,
      accessTokenTrustedIps: [
        { ipAddress: "0.0.0.0", type: "ipv4", prefix: 0 },
        { ipAddress: "::", type: "ipv6", prefix: 0 },
      ],
    });
  });

  it("stores bare addresses without a prefix and CIDRs with one", async () => {
    const id = await newIdentity();
    const res = await app.rest("POST", path(id), {
      token,
      body: { tenancyOcid: TENANCY, accessTokenTrustedIps: [{ ipAddress: "10.1.2.3" }, { ipAddress: "2001:db8::/32" }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.identityOciAuth.accessTokenTrustedIps).toEqual([
      { ipAddress: "10.1.2.3", type: "ipv4" },
      { ipAddress: "2001:db8::", type: "ipv6", prefix: 32 },
    ]);
  });

  it("refuses a second attach with 400 and keeps the first config", async () => {
    const id = await newIdentity();
    expect((await app.rest("POST", path(id), { token, body: { tenancyOcid: TENANCY } })).status).toBe(200);
    const again = await app.rest("POST", path(id), { token, body: { tenancyOcid: "ocid1.tenancy.oc1..other" } });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      statusCode: 400,
      error: "BadRequest",
      message: `Failed to add OCI Auth to already configured identity. To change its settings, update them instead: PATCH /api/v1/auth/oci-auth/identities/${id} (tRPC ociAuth.update, or Edit in the dashboard).`,
    });
    const get = await app.rest("GET", path(id), { token });
    expect(get.body.identityOciAuth.tenancyOcid).toBe(TENANCY);
  });

  it("lets exactly one of 20 concurrent attaches succeed", async () => {
    const id = await newIdentity();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => app.rest("POST", path(id), { token, body: { tenancyOcid: TENANCY } })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(19);
    for (const r of results.filter((r) => r.status === 400)) {
      expect(r.body.message).toMatch(
        /^Failed to add OCI Auth to already configured identity\. To change its settings, update them instead: PATCH /,
      );
    }
    expect(await configCount(id)).toBe(1);
    expect(
      await app.db.auditEvent.count({ where: { eventType: "add-identity-oci-auth", metadata: { path: ["identityId"], equals: id } } }),
    ).toBe(1);
  });

  const invalid: [string, Record<string, unknown>, string, string][] = [
    ["empty tenancy", { tenancyOcid: "" }, "tenancyOcid", "Tenancy OCID cannot be empty."],
    ["blank tenancy", { tenancyOcid: "   " }, "tenancyOcid", "Tenancy OCID cannot be empty."],
    ["bad tenancy", { tenancyOcid: "ocid1.user.oc1..x" }, "tenancyOcid", "Invalid Tenancy OCID format. Must start with ocid1.tenancy.oc1."],
    [
      "long usernames",
      { tenancyOcid: TENANCY, allowedUsernames: "a".repeat(501) },
      "allowedUsernames",
      "Input exceeds the maximum limit of 500 characters",
    ],
    ["bad username", { tenancyOcid: TENANCY, allowedUsernames: "alice,bad user" }, "allowedUsernames", "One or more usernames are invalid"],
    [
      "bad IP",
      { tenancyOcid: TENANCY, accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/33" }] },
      "accessTokenTrustedIps",
      "The IP is not a valid IPv4, IPv6, or CIDR block",
    ],
    [
      "garbage IP",
      { tenancyOcid: TENANCY, accessTokenTrustedIps: [{ ipAddress: "not-an-ip" }] },
      "accessTokenTrustedIps",
      "The IP is not a valid IPv4, IPv6, or CIDR block",
    ],
    [
      "TTL above max",
      { tenancyOcid: TENANCY, accessTokenTTL: 100, accessTokenMaxTTL: 50 },
      "accessTokenTTL",
      "Access Token TTL cannot be greater than Access Token Max TTL.",
    ],
    ["negative TTL", { tenancyOcid: TENANCY, accessTokenTTL: -1 }, "accessTokenTTL", "Access token TTL must be 0 or more"],
    [
      "TTL too large",
      { tenancyOcid: TENANCY, accessTokenTTL: 315360001, accessTokenMaxTTL: 315360000 },
      "accessTokenTTL",
      "Access token TTL must be at most 315360000 seconds",
    ],
    [
      "max TTL zero",
      { tenancyOcid: TENANCY, accessTokenMaxTTL: 0, accessTokenTTL: 0 },
      "accessTokenMaxTTL",
      "Access token max TTL must be 1 or more",
    ],
    ["float TTL", { tenancyOcid: TENANCY, accessTokenTTL: 1.5 }, "accessTokenTTL", "Access token TTL must be a whole number of seconds"],
    [
      "negative uses",
      { tenancyOcid: TENANCY, accessTokenNumUsesLimit: -1 },
      "accessTokenNumUsesLimit",
      "Access token uses limit must be 0 or more",
    ],
    [
      "empty IP list",
      { tenancyOcid: TENANCY, accessTokenTrustedIps: [] },
      "accessTokenTrustedIps",
      "Trusted IPs must list at least one address (0.0.0.0/0 and ::/0 allow every address)",
    ],
    ["unknown field", { tenancyOcid: TENANCY, accessTokenPeriod: 10 }, "", 'Unrecognized key: "accessTokenPeriod"'],
    [
      "NUL in tenancy",
      { tenancyOcid: `${TENANCY}\u0000x` },
      "tenancyOcid",
      "Tenancy OCID must not contain NUL characters or unpaired surrogates",
    ],
    [
      "lone surrogate in tenancy",
      { tenancyOcid: `${TENANCY}\uD800` },
      "tenancyOcid",
      "Tenancy OCID must not contain NUL characters or unpaired surrogates",
    ],
  ];

  it.each(invalid)("rejects %s with 422 and the documented message, storing nothing", async (_name, body, field, message) => {
    const id = await newIdentity();
    const res = await app.rest("POST", path(id), { token, body });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: "ValidationFailure" });
    expect(Array.isArray(res.body.message)).toBe(true);
    const issue = res.body.message.find((i: { path: string[] }) => (i.path[0] ?? "") === field);
    expect(issue?.message).toBe(message);
    expect(await configCount(id)).toBe(0);
  });

  it.each([
    ["a NUL character", `${TENANCY}\u0000x`],
    ["a lone surrogate", `${TENANCY}\uDC00`],
  ])("PATCH refuses a tenancy OCID with %s with 422 and changes nothing", async (_name, tenancyOcid) => {
    const id = await newIdentity();
    expect((await app.rest("POST", path(id), { token, body: { tenancyOcid: TENANCY } })).status).toBe(200);
    const res = await app.rest("PATCH", path(id), { token, body: { tenancyOcid } });
    expect(res.status).toBe(422);
    expect(res.body.message).toEqual([
      expect.objectContaining({ path: ["tenancyOcid"], message: "Tenancy OCID must not contain NUL characters or unpaired surrogates" }),
    ]);
    expect((await app.db.identityOciAuth.findUniqueOrThrow({ where: { identityId: id } })).tenancyOcid).toBe(TENANCY);
  });

  it("answers malformed JSON, a wrong content type and a non-UUID id with 4xx envelopes", async () => {
    const id = await newIdentity();
    const malformed = await app.rest("POST", path(id), { token, rawBody: '{"tenancyOcid":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: "BadRequest", message: "Malformed JSON in request body" });
    const wrongType = await app.rest("POST", path(id), {
      token,
      rawBody: `tenancyOcid=${TENANCY}`,
      contentType: "application/x-www-form-urlencoded",
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toBe("Content-Type must be application/json");
    for (const method of ["GET", "POST", "PATCH", "DELETE"]) {
      const notUuid = await app.rest(method, path("1234"), { token, body: method === "GET" || method === "DELETE" ? undefined : {} });
      expect(notUuid.status).toBe(404);
      expect(notUuid.body).toMatchObject({ error: "NotFound", message: messages.identityNotFound("1234") });
    }
    const arrayBody = await app.rest("POST", path(id), { token, body: [TENANCY] });
    expect(arrayBody.status).toBe(422);
    expect(await configCount(id)).toBe(0);
  });

  it("requires a token before anything else (401) and refuses a bad one (403 TokenError)", async () => {
    const id = await newIdentity();
    const missing = await app.rest("POST", path(id), { body: { tenancyOcid: "" } });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: "UnauthorizedError", message: "Token missing" });
    const bad = await app.rest("POST", path(id), { token: "not.a.jwt", body: { tenancyOcid: TENANCY } });
    expect(bad.status).toBe(403);
    expect(bad.body.error).toBe("TokenError");
    expect(await configCount(id)).toBe(0);
  });

  it("GET returns the stored config; GET/PATCH/DELETE on an identity without one are 404", async () => {
    const id = await newIdentity();
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const res = await app.rest(method, path(id), { token, body: method === "PATCH" ? { accessTokenTTL: 10 } : undefined });
      expect(res.status, method).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: "NotFound", message: "The identity does not have OCI Auth attached" });
    }
    const attached = await app.rest("POST", path(id), { token, body: SEED_BODY });
    const got = await app.rest("GET", path(id), { token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(attached.body);
  });

  it("PATCH leaves omitted fields unchanged and clears usernames with null or empty string", async () => {
    const id = await newIdentity();
    await app.rest("POST", path(id), {
      token,
      body: { ...SEED_BODY, accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }], accessTokenNumUsesLimit: 5 },
    });
    const ttlOnly = await app.rest("PATCH", path(id), { token, body: { accessTokenTTL: 60 } });
    expect(ttlOnly.status).toBe(200);
    expect(ttlOnly.body.identityOciAuth).toMatchObject({
      tenancyOcid: TENANCY,
      allowedUsernames: "alice, bob",
      accessTokenTTL: 60,
      accessTokenMaxTTL: 2592000,
      accessTokenNumUsesLimit: 5,
      accessTokenTrustedIps: [{ ipAddress: "10.0.0.0", type: "ipv4", prefix: 8 }],
    });
    const cleared = await app.rest("PATCH", path(id), { token, body: { allowedUsernames: null } });
    expect(cleared.body.identityOciAuth.allowedUsernames).toBeNull();
    await app.rest("PATCH", path(id), { token, body: { allowedUsernames: "carol" } });
    const emptied = await app.rest("PATCH", path(id), { token, body: { allowedUsernames: "" } });
    expect(emptied.body.identityOciAuth.allowedUsernames).toBeNull();
    const empty = await app.rest("PATCH", path(id), { token, body: {} });
    expect(empty.status).toBe(200);
    expect(empty.body.identityOciAuth.accessTokenTTL).toBe(60);
  });

  it("PATCH checks TTL against the merged max TTL (422) and changes nothing", async () => {
    const id = await newIdentity();
    await app.rest("POST", path(id), { token, body: { tenancyOcid: TENANCY, accessTokenTTL: 100, accessTokenMaxTTL: 200 } });
    const lowerMax = await app.rest("PATCH", path(id), { token, body: { accessTokenMaxTTL: 50 } });
    expect(lowerMax.status).toBe(422);
    expect(lowerMax.body).toMatchObject({
      error: "ValidationFailure",
      message: [{ path: ["accessTokenTTL"], message: "Access Token TTL cannot be greater than Access Token Max TTL." }],
    });
    const raiseTtl = await app.rest("PATCH", path(id), { token, body: { accessTokenTTL: 300 } });
    expect(raiseTtl.status).toBe(422);
    const both = await app.rest("PATCH", path(id), { token, body: { accessTokenTTL: 300, accessTokenMaxTTL: 400 } });
    expect(both.status).toBe(200);
    const got = await app.rest("GET", path(id), { token });
    expect(got.body.identityOciAuth).toMatchObject({ accessTokenTTL: 300, accessTokenMaxTTL: 400 });
    const badField = await app.rest("PATCH", path(id), { token, body: { tenancyOcid: "nope" } });
    expect(badField.status).toBe(422);
    expect((await app.rest("GET", path(id), { token })).body.identityOciAuth.tenancyOcid).toBe(TENANCY);
  });

  it("DELETE returns the deleted row, revokes OCI tokens, and a second DELETE is 404", async () => {
    const id = await newIdentity();
    const attached = await app.rest("POST", path(id), { token, body: SEED_BODY });
    const issued = await app.db.identityAccessToken.create({
      data: { identityId: id, authMethod: "oci-auth", accessTokenTTL: 60, accessTokenMaxTTL: 60 },
    });
    const revoked = await app.rest("DELETE", path(id), { token });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual(attached.body);
    expect((await app.db.identityAccessToken.findUnique({ where: { id: issued.id } }))?.revokedAt).toBeInstanceOf(Date);
    expect(await configCount(id)).toBe(0);
    const again = await app.rest("DELETE", path(id), { token });
    expect(again.status).toBe(404);
    const reattach = await app.rest("POST", path(id), { token, body: { tenancyOcid: TENANCY } });
    expect(reattach.status).toBe(200);
  });

  it("writes an audit event for each management action with actor, IP and user agent", async () => {
    const id = await newIdentity();
    const headers = { "user-agent": "audit-test/1.0" };
    await app.rest("POST", path(id), { token, body: SEED_BODY, headers, ip: "192.0.2.10" });
    await app.rest("PATCH", path(id), { token, body: { accessTokenTTL: 5 }, headers, ip: "192.0.2.10" });
    await app.rest("GET", path(id), { token, headers, ip: "192.0.2.10" });
    await app.rest("DELETE", path(id), { token, headers, ip: "192.0.2.10" });
    const events = await app.db.auditEvent.findMany({
      where: { metadata: { path: ["identityId"], equals: id }, eventType: { contains: "oci-auth" } },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => e.eventType)).toEqual([
      "add-identity-oci-auth",
      "update-identity-oci-auth",
      "get-identity-oci-auth",
      "revoke-identity-oci-auth",
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ orgId, actorType: "identity", actorName: "admin", ipAddress: "192.0.2.10", userAgent: "audit-test/1.0" });
    }
    expect(events[0]!.metadata).toMatchObject({ identityId: id, tenancyOcid: TENANCY, allowedUsernames: "alice, bob" });
  });

  it("answers unknown routes with a 404 envelope", async () => {
    const res = await app.rest("GET", "/api/v1/nothing-here", { token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: "NotFound" });
    expect(res.body.reqId).toBe(res.headers.get("x-request-id"));
  });
});
