import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../trpc/router";
import { toIdentityMembership, toIdentityMembershipList } from "../operations/identity-views";
import { expectIdentityShape, expectUnchanged, type IssueLike, pickIssues, UNKNOWN_ID, userToken } from "./expect-helpers";
import { createTestApp, type TestApp, TENANCY } from "./harness";

const TOKEN_INVALID = "The provided access token is malformed. Please use a valid token or generate a new one and try again.";

interface Expected {
  code: "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "BAD_REQUEST" | "UNPROCESSABLE_CONTENT";
  httpStatus: number;
  appCode: string;
  message?: string;
  issues?: IssueLike[];
  details?: unknown;
}

/**
 * Awaits a tRPC call that must fail and checks the TRPCError and the shape a tRPC client receives
 * (the router's error formatter: `data.code`, `data.httpStatus`, `data.appCode`, `data.issues`, `data.details`).
 */
async function expectTrpcError(call: Promise<unknown>, path: string, expected: Expected) {
  const error = await call.then(
    (value) => {
      throw new Error(`expected ${path} to fail, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const trpcError = error as TRPCError;
  expect(trpcError.code).toBe(expected.code);
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error: trpcError,
    type: "unknown",
    path,
    input: undefined,
    ctx: undefined,
  });
  expect(shape.data).toMatchObject({ code: expected.code, httpStatus: expected.httpStatus, path, appCode: expected.appCode });
  if (expected.message !== undefined) {
    expect(trpcError.message).toBe(expected.message);
    expect(shape.message).toBe(expected.message);
  }
  if (expected.issues) {
    expect(Array.isArray(shape.data.issues)).toBe(true);
    expect(pickIssues(shape.data.issues as IssueLike[], expected.issues)).toEqual(expected.issues);
  } else {
    expect(shape.data.issues).toBeUndefined();
  }
  if (expected.details !== undefined) expect(shape.data.details).toEqual(expected.details);
  expect(shape.data).not.toHaveProperty("stack");
  return { error: trpcError, shape };
}

describe("tRPC procedures (same services as REST)", () => {
  let app: TestApp;
  let adminToken: string;
  let orgId: string;
  let viewerToken: string;
  let memberToken: string;
  let other: { orgId: string; token: string };
  let foreignId: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    viewerToken = (await userToken(app, orgId, "viewer")).token;
    memberToken = (await userToken(app, orgId, "member")).token;
    other = await app.otherOrganization();
    foreignId = await app.createIdentity(other.token, other.orgId, "member", "foreign");
  });
  afterAll(() => app.close());

  describe("identities", () => {
    it("create → get → list → update → delete: our flat shape, the same data as REST's Infisical shapes", async () => {
      const api = app.caller(adminToken);
      const created = await api.identities.create({ name: "trpc-made", organizationId: orgId, role: "member" });
      expect(Object.keys(created)).toEqual(["identity"]);
      expectIdentityShape(created.identity);
      expect(created.identity).toMatchObject({
        name: "trpc-made",
        organizationId: orgId,
        role: "member",
        authMethods: [],
        hasDeleteProtection: false,
        metadata: [],
      });
      const id = created.identity.id;

      const viaTrpc = await api.identities.get({ identityId: id });
      const viaRest = await app.rest("GET", `/api/v1/identities/${id}`, { token: adminToken });
      expect(viaRest.status).toBe(200);
      expect(viaRest.body).toEqual({ identity: toIdentityMembership(viaTrpc.identity) });
      expect(viaTrpc).toEqual(created);

      const listTrpc = await api.identities.list({ organizationId: orgId, search: "trpc", limit: 10, offset: 0 });
      const listRest = await app.rest("GET", `/api/v1/identities?organizationId=${orgId}&search=trpc&limit=10`, { token: adminToken });
      expect(listRest.body).toEqual(toIdentityMembershipList(listTrpc));
      expect(listTrpc).toEqual({ identities: [created.identity], totalCount: 1, nextOffset: null, truncated: false });
      // Defaults (limit 50, offset 0) apply to tRPC input too.
      expect(toIdentityMembershipList(await api.identities.list({}))).toEqual(
        (await app.rest("GET", "/api/v1/identities", { token: adminToken })).body,
      );

      const updated = await api.identities.update({ identityId: id, name: "trpc-renamed", role: "viewer" });
      expectIdentityShape(updated.identity);
      expect(updated.identity).toMatchObject({ id, name: "trpc-renamed", role: "viewer" });
      expect((await app.rest("GET", `/api/v1/identities/${id}`, { token: adminToken })).body).toEqual({
        identity: toIdentityMembership(updated.identity),
      });

      const deleted = await api.identities.delete({ identityId: id });
      expect(deleted).toEqual(updated);
      expect(await app.db.identity.findUnique({ where: { id } })).toBeNull();
    });

    it("UNAUTHORIZED without a token; FORBIDDEN for a garbage token — before input validation", async () => {
      await expectUnchanged(app, () =>
        expectTrpcError(app.caller().identities.create({ name: "", organizationId: "x", role: "member" } as never), "identities.create", {
          code: "UNAUTHORIZED",
          httpStatus: 401,
          appCode: "UnauthorizedError",
          message: "Token missing",
        }),
      );
      await expectUnchanged(app, () =>
        expectTrpcError(app.caller("garbage").identities.list({}), "identities.list", {
          code: "FORBIDDEN",
          httpStatus: 403,
          appCode: "TokenError",
          message: TOKEN_INVALID,
        }),
      );
    });

    it("UNPROCESSABLE_CONTENT (422, as on REST) with zod issues for invalid input", async () => {
      await expectUnchanged(app, () =>
        expectTrpcError(
          app.caller(adminToken).identities.create({ name: " ", organizationId: "acme", role: "owner" } as never),
          "identities.create",
          {
            code: "UNPROCESSABLE_CONTENT",
            httpStatus: 422,
            appCode: "ValidationFailure",
            issues: [
              { path: ["name"], message: "Name cannot be empty" },
              { path: ["organizationId"], message: "organizationId must be a UUID" },
              { path: ["role"], message: "Role must be one of admin, member, viewer, no-access" },
            ],
          },
        ),
      );
      await expectUnchanged(app, () =>
        expectTrpcError(app.caller(adminToken).identities.get({ identityId: "nope" }), "identities.get", {
          code: "UNPROCESSABLE_CONTENT",
          httpStatus: 422,
          appCode: "ValidationFailure",
          issues: [{ path: ["identityId"], message: "identityId must be a UUID" }],
        }),
      );
      const id = await app.createIdentity(adminToken, orgId, "member", "strict");
      await expectUnchanged(app, () =>
        expectTrpcError(app.caller(adminToken).identities.update({ identityId: id, name: "x", extra: 1 } as never), "identities.update", {
          code: "UNPROCESSABLE_CONTENT",
          httpStatus: 422,
          appCode: "ValidationFailure",
          issues: [{ path: [], message: 'Unrecognized key: "extra"' }],
        }),
      );
    });

    it("NOT_FOUND for unknown and other-organization ids, with the REST message", async () => {
      for (const identityId of [UNKNOWN_ID, foreignId]) {
        const message = `Failed to find identity with ID ${identityId}`;
        const api = app.caller(adminToken);
        const nf = { code: "NOT_FOUND", httpStatus: 404, appCode: "NotFound", message } as const;
        await expectUnchanged(app, () => expectTrpcError(api.identities.get({ identityId }), "identities.get", nf));
        await expectUnchanged(app, () => expectTrpcError(api.identities.update({ identityId, name: "x" }), "identities.update", nf));
        await expectUnchanged(app, () => expectTrpcError(api.identities.delete({ identityId }), "identities.delete", nf));
        const rest = await app.rest("GET", `/api/v1/identities/${identityId}`, { token: adminToken });
        expect(rest.body.message).toBe(message);
      }
      await expectUnchanged(app, () =>
        expectTrpcError(
          app.caller(adminToken).identities.create({ name: "x", organizationId: other.orgId, role: "member" }),
          "identities.create",
          {
            code: "NOT_FOUND",
            httpStatus: 404,
            appCode: "NotFound",
            message: `Failed to find organization with ID ${other.orgId}`,
          },
        ),
      );
    });

    it("FORBIDDEN with details for permission and boundary errors", async () => {
      await expectUnchanged(app, () =>
        expectTrpcError(
          app.caller(viewerToken).identities.create({ name: "x", organizationId: orgId, role: "viewer" }),
          "identities.create",
          {
            code: "FORBIDDEN",
            httpStatus: 403,
            appCode: "PermissionDenied",
            message: "You are not allowed to create on identity",
            details: [{ action: "create", subject: "identity", inverted: false, conditions: null }],
          },
        ),
      );
      await expectUnchanged(app, () =>
        expectTrpcError(
          app.caller(memberToken).identities.create({ name: "x", organizationId: orgId, role: "admin" }),
          "identities.create",
          {
            code: "FORBIDDEN",
            httpStatus: 403,
            appCode: "PermissionBoundaryError",
            message: "Failed to create identity with more privileged role",
            details: { missingPermissions: [{ action: "create", subject: "identity" }] },
          },
        ),
      );
      const id = await app.createIdentity(adminToken, orgId, "member", "to-raise");
      await expectUnchanged(app, () =>
        expectTrpcError(app.caller(memberToken).identities.update({ identityId: id, role: "admin" }), "identities.update", {
          code: "FORBIDDEN",
          httpStatus: 403,
          appCode: "PermissionBoundaryError",
          message: "Failed to update identity with more privileged role",
        }),
      );
      await expectUnchanged(app, () =>
        expectTrpcError(app.caller(memberToken).identities.delete({ identityId: id }), "identities.delete", {
          code: "FORBIDDEN",
          httpStatus: 403,
          appCode: "PermissionDenied",
          message: "You are not allowed to delete on identity",
        }),
      );
    });
  });

  describe("ociAuth", () => {
    it("attach → get → update → revoke, with outputs equal to REST's", async () => {
      const id = await app.createIdentity(adminToken, orgId, "member", "oci-trpc");
      const api = app.caller(memberToken);
      const attached = await api.ociAuth.attach({ identityId: id, tenancyOcid: TENANCY, allowedUsernames: "alice, bob" });
      expect(Object.keys(attached)).toEqual(["identityOciAuth"]);
      expect(attached.identityOciAuth).toMatchObject({
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

      const got = await api.ociAuth.get({ identityId: id });
      const rest = await app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token: memberToken });
      expect(got).toEqual(rest.body);
      expect(got).toEqual(attached);

      const updated = await api.ociAuth.update({ identityId: id, accessTokenTTL: 60, allowedUsernames: null });
      expect(updated.identityOciAuth).toMatchObject({
        accessTokenTTL: 60,
        accessTokenMaxTTL: 2592000,
        allowedUsernames: null,
        tenancyOcid: TENANCY,
      });
      expect((await app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token: memberToken })).body).toEqual(updated);

      const revoked = await api.ociAuth.revoke({ identityId: id });
      expect(revoked).toEqual(updated);
      expect(await app.db.identityOciAuth.count({ where: { identityId: id } })).toBe(0);
    });

    it("422 for zod issues and the TTL above the merged max TTL, 400 for attaching twice", async () => {
      const id = await app.createIdentity(adminToken, orgId, "member", "oci-errors");
      const api = app.caller(adminToken);
      await expectUnchanged(app, () =>
        expectTrpcError(api.ociAuth.attach({ identityId: id, tenancyOcid: "ocid1.user.oc1..x" }), "ociAuth.attach", {
          code: "UNPROCESSABLE_CONTENT",
          httpStatus: 422,
          appCode: "ValidationFailure",
          issues: [{ path: ["tenancyOcid"], message: "Invalid Tenancy OCID format. Must start with ocid1.tenancy.oc1." }],
        }),
      );
      await api.ociAuth.attach({ identityId: id, tenancyOcid: TENANCY, accessTokenTTL: 100, accessTokenMaxTTL: 200 });
      await expectUnchanged(app, () =>
        expectTrpcError(api.ociAuth.attach({ identityId: id, tenancyOcid: TENANCY }), "ociAuth.attach", {
          code: "BAD_REQUEST",
          httpStatus: 400,
          appCode: "BadRequest",
          message: `Failed to add OCI Auth to already configured identity. To change its settings, update them instead: PATCH /api/v1/auth/oci-auth/identities/${id} (tRPC ociAuth.update, or Edit in the dashboard).`,
        }),
      );
      await expectUnchanged(app, () =>
        expectTrpcError(api.ociAuth.update({ identityId: id, accessTokenMaxTTL: 50 }), "ociAuth.update", {
          code: "UNPROCESSABLE_CONTENT",
          httpStatus: 422,
          appCode: "ValidationFailure",
          message: "Access Token TTL cannot be greater than Access Token Max TTL.",
          issues: [{ path: ["accessTokenTTL"], message: "Access Token TTL cannot be greater than Access Token Max TTL." }],
        }),
      );
    });

    it("NOT_FOUND: no OCI auth attached, unknown and other-organization identities", async () => {
      const bare = await app.createIdentity(adminToken, orgId, "member", "bare");
      const api = app.caller(adminToken);
      const notAttached = {
        code: "NOT_FOUND",
        httpStatus: 404,
        appCode: "NotFound",
        message: "The identity does not have OCI Auth attached",
      } as const;
      await expectUnchanged(app, () => expectTrpcError(api.ociAuth.get({ identityId: bare }), "ociAuth.get", notAttached));
      await expectUnchanged(app, () =>
        expectTrpcError(api.ociAuth.update({ identityId: bare, accessTokenTTL: 1 }), "ociAuth.update", notAttached),
      );
      await expectUnchanged(app, () => expectTrpcError(api.ociAuth.revoke({ identityId: bare }), "ociAuth.revoke", notAttached));
      for (const identityId of [UNKNOWN_ID, foreignId]) {
        const nf = {
          code: "NOT_FOUND",
          httpStatus: 404,
          appCode: "NotFound",
          message: `Failed to find identity with ID ${identityId}`,
        } as const;
        await expectUnchanged(app, () => expectTrpcError(api.ociAuth.attach({ identityId, tenancyOcid: TENANCY }), "ociAuth.attach", nf));
        await expectUnchanged(app, () => expectTrpcError(api.ociAuth.get({ identityId }), "ociAuth.get", nf));
      }
    });

    it("FORBIDDEN for a viewer; UNAUTHORIZED without a token", async () => {
      const id = await app.createIdentity(adminToken, orgId, "viewer", "oci-forbidden");
      await expectUnchanged(app, () =>
        expectTrpcError(app.caller(viewerToken).ociAuth.attach({ identityId: id, tenancyOcid: TENANCY }), "ociAuth.attach", {
          code: "FORBIDDEN",
          httpStatus: 403,
          appCode: "PermissionDenied",
          message: "You are not allowed to create on identity",
          details: [{ action: "create", subject: "identity", inverted: false, conditions: null }],
        }),
      );
      await expectUnchanged(app, () =>
        expectTrpcError(app.caller().ociAuth.get({ identityId: id }), "ociAuth.get", {
          code: "UNAUTHORIZED",
          httpStatus: 401,
          appCode: "UnauthorizedError",
          message: "Token missing",
        }),
      );
    });
  });
});
