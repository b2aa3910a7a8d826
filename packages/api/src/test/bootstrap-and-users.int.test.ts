import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectUnchanged, expectValidation, UNKNOWN_ID, userToken } from "./expect-helpers";
import { messages } from "@ociauth/schema";
import { createTestApp, PASSWORD, type TestApp } from "./harness";

const BOOTSTRAP = "/api/v1/admin/bootstrap";
const valid = { email: "owner@example.com", password: PASSWORD, organization: "Acme" };

/** Tests run in order on one app: validation on the fresh instance, then the one bootstrap, then users. */
describe("bootstrap and users", () => {
  let app: TestApp;
  /** The one successful bootstrap's response body. */
  let first: any;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  describe("bootstrap validation (fresh instance)", () => {
    it.each([
      ["bad email", { ...valid, email: "not-an-email" }, [{ path: ["email"], message: "Enter a valid email address" }]],
      ["short password", { ...valid, password: "short" }, [{ path: ["password"], message: "Password must be at least 12 characters" }]],
      [
        "long password",
        { ...valid, password: "x".repeat(257) },
        [{ path: ["password"], message: "Password must be at most 256 characters" }],
      ],
      ["empty organization", { ...valid, organization: "  " }, [{ path: ["organization"], message: "Organization name cannot be empty" }]],
      ["unknown field", { ...valid, role: "admin" }, [{ path: [], message: 'Unrecognized key: "role"' }]],
    ])("422 for %s; the instance stays unset", async (_label, body, issues) => {
      const res = await expectUnchanged(app, () => app.rest("POST", BOOTSTRAP, { body }));
      expectValidation(res, issues);
      expect(await app.db.user.count()).toBe(0);
    });

    it("422 listing every missing field", async () => {
      const res = await expectUnchanged(app, () => app.rest("POST", BOOTSTRAP, { body: {} }));
      expect(res.status).toBe(422);
      expect(res.body.message.map((i: { path: string[] }) => i.path[0]).sort()).toEqual(["email", "organization", "password"]);
      expect(res.body.error).toBe("ValidationFailure");
    });

    it("400 for malformed JSON and for a non-JSON content type", async () => {
      expectError(await app.rest("POST", BOOTSTRAP, { rawBody: "{oops" }), 400, "BadRequest", "Malformed JSON in request body");
      expectError(
        await app.rest("POST", BOOTSTRAP, { rawBody: "email=a", contentType: "application/x-www-form-urlencoded" }),
        400,
        "BadRequest",
        "Content-Type must be application/json",
      );
      expect(await app.db.user.count()).toBe(0);
    });

    it("tRPC bootstrap.status says not set up", async () => {
      expect(await app.caller().bootstrap.status()).toEqual({ isSetUp: false });
    });
  });

  describe("bootstrap", () => {
    it("10 concurrent bootstraps on a fresh instance: exactly one succeeds, the rest are 400", async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          app.rest("POST", BOOTSTRAP, { body: { email: `owner${i}@example.com`, password: PASSWORD, organization: `Org ${i}` } }),
        ),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      for (const res of results.filter((r) => r.status !== 200)) {
        expectError(res, 400, "BadRequest", "Instance has already been set up");
      }
      first = ok[0]!.body;
      expect(await app.db.user.count()).toBe(1);
      expect(await app.db.organization.count()).toBe(1);
      expect(await app.db.identity.count()).toBe(1);
      expect(await app.db.orgMembership.count()).toBe(1);
      expect(await app.db.identityAccessToken.count()).toBe(1);
      expect(await app.db.auditEvent.count({ where: { eventType: "bootstrap-instance" } })).toBe(1);
    });

    it("returns {user, organization, identity:{id,name,credentials:{token}}} and a working admin identity token", async () => {
      expect(Object.keys(first).sort()).toEqual(["identity", "organization", "user"]);
      expect(Object.keys(first.user).sort()).toEqual(["email", "id"]);
      expect(Object.keys(first.organization).sort()).toEqual(["id", "name", "slug"]);
      expect(first.organization.slug).toBe(first.organization.name.toLowerCase().replace(" ", "-")); // "Org 3" → "org-3"
      expect(Object.keys(first.identity).sort()).toEqual(["credentials", "id", "name"]);
      expect(Object.keys(first.identity.credentials)).toEqual(["token"]);
      const user = await app.db.user.findUniqueOrThrow({ where: { id: first.user.id } });
      expect(user.email).toBe(first.user.email);
      expect(user.passwordHash).not.toContain(PASSWORD);
      const membership = await app.db.orgMembership.findFirstOrThrow({ where: { userId: user.id } });
      expect(membership).toMatchObject({ orgId: first.organization.id, role: "admin" });
      const identity = await app.db.identity.findUniqueOrThrow({ where: { id: first.identity.id } });
      expect(identity).toMatchObject({ orgId: first.organization.id, role: "admin", name: first.identity.name });

      const me = await app.caller(first.identity.credentials.token).auth.me();
      expect(me).toEqual({
        type: "identity",
        id: first.identity.id,
        name: first.identity.name,
        organizationId: first.organization.id,
        role: "admin",
      });
      expect(await app.caller().bootstrap.status()).toEqual({ isSetUp: true });
    });

    it("a second bootstrap is 400 and changes nothing (also through tRPC)", async () => {
      const res = await expectUnchanged(app, () => app.rest("POST", BOOTSTRAP, { body: { ...valid, email: "late@example.com" } }));
      expectError(res, 400, "BadRequest", "Instance has already been set up");
      await expect(
        expectUnchanged(app, () => app.caller().bootstrap.setup({ ...valid, email: "late2@example.com" })),
      ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Instance has already been set up" });
    });
  });

  describe("user login", () => {
    let ownerEmail: string;
    beforeAll(async () => {
      ownerEmail = (await app.db.user.findFirstOrThrow()).email;
    });

    it("logs in with the right password: session token, expiry, user", async () => {
      const res = await app.rest("POST", "/api/v1/auth/login", { body: { email: ownerEmail.toUpperCase(), password: PASSWORD } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(["expiresAt", "token", "user"]);
      expect(res.body.user.email).toBe(ownerEmail);
      const { jti } = decodeJwt(res.body.token) as { jti: string };
      const session = await app.db.userSession.findUniqueOrThrow({ where: { id: jti } });
      expect(session.expiresAt.toISOString()).toBe(res.body.expiresAt);
      expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expect((await app.rest("GET", "/api/v1/identities", { token: res.body.token })).status).toBe(200);
    });

    it("wrong password and unknown email give the same 401, create no session, and are audited", async () => {
      const sessions = await app.db.userSession.count();
      const failures = () => app.db.auditEvent.count({ where: { eventType: "login-user-failed" } });
      const before = await failures();
      for (const body of [
        { email: ownerEmail, password: "wrong-password-123" },
        { email: "nobody@example.com", password: PASSWORD },
      ]) {
        const res = await app.rest("POST", "/api/v1/auth/login", { body });
        expectError(res, 401, "UnauthorizedError", "Invalid email or password");
      }
      expect(await app.db.userSession.count()).toBe(sessions);
      expect(await failures()).toBe(before + 2);
      const last = await app.db.auditEvent.findFirst({ where: { eventType: "login-user-failed" }, orderBy: { createdAt: "desc" } });
      expect(last?.metadata).toEqual({ email: "nobody@example.com", reasonCode: "unknown_email" });
    });

    it("422 for an invalid login body", async () => {
      expectValidation(await app.rest("POST", "/api/v1/auth/login", { body: { email: ownerEmail, password: "" } }), [
        { path: ["password"], message: "Password cannot be empty" },
      ]);
      expectValidation(await app.rest("POST", "/api/v1/auth/login", { body: { email: "x", password: "y" } }), [
        { path: ["email"], message: "Enter a valid email address" },
      ]);
    });

    it("logout revokes the session: the token then answers 401", async () => {
      const login = await app.rest("POST", "/api/v1/auth/login", { body: { email: ownerEmail, password: PASSWORD } });
      expect(await app.caller(login.body.token).auth.logout()).toEqual({ ok: true });
      const res = await app.rest("GET", "/api/v1/identities", { token: login.body.token });
      expectError(res, 401, "UnauthorizedError", "Failed to authorize: token has been revoked");
    });
  });

  describe("POST /api/v1/organizations/{orgId}/users", () => {
    let orgId: string;
    let adminToken: string;
    const path = () => `/api/v1/organizations/${orgId}/users`;

    beforeAll(async () => {
      orgId = (await app.db.organization.findFirstOrThrow()).id;
      adminToken = (await userToken(app, orgId, "admin")).token;
    });

    it("an admin adds a user with a role; the user can log in with that role", async () => {
      const res = await app.rest("POST", path(), {
        token: adminToken,
        body: { email: "  New.Viewer@Example.com ", password: PASSWORD, role: "viewer" },
      });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(["user"]);
      expect(Object.keys(res.body.user).sort()).toEqual(["email", "id", "role"]);
      expect(res.body.user).toMatchObject({ email: "new.viewer@example.com", role: "viewer" });
      expect(await app.db.orgMembership.findFirst({ where: { userId: res.body.user.id } })).toMatchObject({ orgId, role: "viewer" });

      const login = await app.rest("POST", "/api/v1/auth/login", { body: { email: "new.viewer@example.com", password: PASSWORD } });
      expect(login.status).toBe(200);
      expect((await app.rest("GET", "/api/v1/identities", { token: login.body.token })).status).toBe(200);
      const create = await app.rest("POST", "/api/v1/identities", {
        token: login.body.token,
        body: { name: "n", organizationId: orgId, role: "viewer" },
      });
      expectError(create, 403, "PermissionDenied", "You are not allowed to create on identity");
    });

    it("the bootstrap admin identity may not add users: a machine identity sets no human's password (403)", async () => {
      const res = await app.rest("POST", path(), {
        token: first.identity.credentials.token,
        body: { email: "by-identity@example.com", password: PASSWORD, role: "member" },
      });
      expect(res.status).toBe(403);
      expect(res.body.message).toBe(messages.machineManagesHumans);
      expect(await app.db.user.findUnique({ where: { email: "by-identity@example.com" } })).toBeNull();
    });

    it("duplicate email (any case) → 400 and nothing changes", async () => {
      for (const email of ["new.viewer@example.com", "NEW.VIEWER@example.com"]) {
        const res = await expectUnchanged(app, () =>
          app.rest("POST", path(), { token: adminToken, body: { email, password: PASSWORD, role: "member" } }),
        );
        expectError(res, 400, "BadRequest", "A user with this email already exists");
      }
    });

    it.each(["viewer", "no-access"] as const)("a %s gets 403 and nothing changes", async (role) => {
      const { token } = await userToken(app, orgId, role);
      const res = await expectUnchanged(app, () =>
        app.rest("POST", path(), { token, body: { email: `by-${role}@example.com`, password: PASSWORD, role: "viewer" } }),
      );
      expectError(res, 403, "PermissionDenied", "You are not allowed to add users", [
        { action: "add", subject: "user", inverted: false, conditions: null },
      ]);
    });

    it("a member adds users up to member only (the privilege boundary, as for identities)", async () => {
      const { token } = await userToken(app, orgId, "member");
      const res = await expectUnchanged(app, () =>
        app.rest("POST", path(), { token, body: { email: "by-member@example.com", password: PASSWORD, role: "admin" } }),
      );
      expectError(res, 403, "PermissionBoundaryError", "Failed to add user with more privileged role");
      const ok = await app.rest("POST", path(), { token, body: { email: "by-member@example.com", password: PASSWORD, role: "member" } });
      expect(ok.status).toBe(200);
    });

    it("404 for another organization (or an unknown one), 422 for a non-UUID org id, 401 without a token", async () => {
      const other = await app.otherOrganization();
      for (const target of [other.orgId, UNKNOWN_ID]) {
        const res = await expectUnchanged(app, () =>
          app.rest("POST", `/api/v1/organizations/${target}/users`, {
            token: adminToken,
            body: { email: "x@example.com", password: PASSWORD, role: "admin" },
          }),
        );
        expectError(res, 404, "NotFound", `Failed to find organization with ID ${target}`);
      }
      const bad = await expectUnchanged(app, () =>
        app.rest("POST", "/api/v1/organizations/acme/users", {
          token: adminToken,
          body: { email: "x@example.com", password: PASSWORD, role: "admin" },
        }),
      );
      expectValidation(bad, [{ path: ["organizationId"], message: "organizationId must be a UUID" }]);
      const anon = await expectUnchanged(app, () =>
        app.rest("POST", path(), { body: { email: "x@example.com", password: PASSWORD, role: "admin" } }),
      );
      expectError(anon, 401, "UnauthorizedError", "Token missing");
    });

    it("422 for an invalid body", async () => {
      const res = await expectUnchanged(app, () =>
        app.rest("POST", path(), { token: adminToken, body: { email: "y@example.com", password: "short", role: "owner" } }),
      );
      expectValidation(res, [
        { path: ["password"], message: "Password must be at least 12 characters" },
        { path: ["role"], message: "Role must be one of admin, member, viewer, no-access" },
      ]);
    });
  });
});
