import { messages } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectUnchanged, expectValidation, UNKNOWN_ID, userToken } from "./expect-helpers";
import { createTestApp, PASSWORD, type TestApp } from "./harness";

const NEW_PASSWORD = "a-brand-new-passphrase-42";
const LAST_ADMIN = "An organization needs at least one admin user: make another user admin first, then remove or demote this one";

describe("users of an organization", () => {
  let app: TestApp;
  let orgId: string;
  /** The bootstrap admin identity's token and the bootstrap admin user. */
  let identityToken: string;
  let ownerId: string;
  let ownerToken: string;
  const users = () => `/api/v1/organizations/${orgId}/users`;
  const user = (id: string) => `/api/v1/organizations/${orgId}/users/${id}`;

  async function login(email: string, password = PASSWORD) {
    return app.rest("POST", "/api/v1/auth/login", { body: { email, password } });
  }
  async function sessionWorks(token: string) {
    return (await app.rest("GET", "/api/v1/identities", { token })).status === 200;
  }
  // Without `seq` (a BigInt, which JSON.stringify refuses): the tests look for passwords in the rest.
  const events = async (eventType: string) =>
    (await app.db.auditEvent.findMany({ where: { eventType }, orderBy: { createdAt: "asc" } })).map(({ seq: _seq, ...event }) => event);
  const roleOf = async (userId: string) => (await app.db.orgMembership.findFirst({ where: { orgId, userId } }))?.role ?? null;

  beforeAll(async () => {
    app = await createTestApp();
    const boot = await app.bootstrap();
    orgId = boot.orgId;
    identityToken = boot.adminToken;
    ownerId = boot.userId;
    ownerToken = (await login("admin@example.com")).body.token;
  });
  afterAll(() => app.close());

  describe("list", () => {
    it("an admin, a viewer and the admin identity see every user with role and creation date, oldest first (REST = tRPC)", async () => {
      const viewer = await userToken(app, orgId, "viewer");
      const res = await app.rest("GET", users(), { token: ownerToken });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(["users", "nextOffset", "truncated"]);
      expect(res.body).toMatchObject({ nextOffset: null, truncated: false });
      expect(res.body.users[0]).toEqual({ id: ownerId, email: "admin@example.com", role: "admin", createdAt: expect.any(String) });
      expect(res.body.users.map((u: { id: string }) => u.id)).toContain(viewer.userId);
      for (const u of res.body.users) expect(Object.keys(u).sort()).toEqual(["createdAt", "email", "id", "role"]);
      expect((await app.rest("GET", users(), { token: viewer.token })).body).toEqual(res.body);
      expect((await app.rest("GET", users(), { token: identityToken })).body).toEqual(res.body);
      expect(await app.caller(ownerToken).users.list({ organizationId: orgId })).toEqual(res.body);
    });

    it("no-access: 403; another or unknown organization: 404; not a UUID: 422; no token: 401", async () => {
      const { token } = await userToken(app, orgId, "no-access");
      expectError(await app.rest("GET", users(), { token }), 403, "PermissionDenied", "You are not allowed to read users", [
        { action: "read", subject: "user", inverted: false, conditions: null },
      ]);
      const other = await app.otherOrganization("Other list");
      for (const target of [other.orgId, UNKNOWN_ID]) {
        expectError(
          await app.rest("GET", `/api/v1/organizations/${target}/users`, { token: ownerToken }),
          404,
          "NotFound",
          `Failed to find organization with ID ${target}`,
        );
      }
      expectValidation(await app.rest("GET", "/api/v1/organizations/acme/users", { token: ownerToken }), [
        { path: ["organizationId"], message: "organizationId must be a UUID" },
      ]);
      expectError(await app.rest("GET", users()), 401, "UnauthorizedError", "Token missing");
      await expect(app.caller(token).users.list({ organizationId: orgId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    });
  });

  describe("add", () => {
    it("a member adds users up to member; the new user can log in with that role; audited without the password", async () => {
      const member = await userToken(app, orgId, "member");
      const res = await app.rest("POST", users(), {
        token: member.token,
        body: { email: "Added@Example.com", password: PASSWORD, role: "member" },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: { id: expect.any(String), email: "added@example.com", role: "member" } });
      expect((await login("added@example.com")).status).toBe(200);
      const [event] = (await events("add-org-user")).slice(-1);
      expect(event).toMatchObject({
        orgId,
        actorType: "user",
        actorId: member.userId,
        metadata: { userId: res.body.user.id, role: "member" },
      });
      expect(JSON.stringify(event)).not.toContain(PASSWORD);
    });

    it("a member cannot add an admin (boundary); viewers and no-access add nobody; nothing changes", async () => {
      const member = await userToken(app, orgId, "member");
      const body = { email: "too-high@example.com", password: PASSWORD, role: "admin" };
      expectError(
        await expectUnchanged(app, () => app.rest("POST", users(), { token: member.token, body })),
        403,
        "PermissionBoundaryError",
        "Failed to add user with more privileged role",
        { missingPermissions: [{ action: "add", subject: "user" }] },
      );
      for (const role of ["viewer", "no-access"] as const) {
        const { token } = await userToken(app, orgId, role);
        expectError(
          await expectUnchanged(app, () => app.rest("POST", users(), { token, body: { ...body, role: "no-access" } })),
          403,
          "PermissionDenied",
          "You are not allowed to add users",
          [{ action: "add", subject: "user", inverted: false, conditions: null }],
        );
      }
    });

    it("users.add and organizations.addUser (tRPC) are the same operation as the REST endpoint; a duplicate email is 400", async () => {
      const viaAdd = await app
        .caller(ownerToken)
        .users.add({ organizationId: orgId, email: "trpc-add@example.com", password: PASSWORD, role: "viewer" });
      expect(viaAdd.user).toMatchObject({ email: "trpc-add@example.com", role: "viewer" });
      const viaOrg = await app
        .caller(ownerToken)
        .organizations.addUser({ organizationId: orgId, email: "org-add@example.com", password: PASSWORD, role: "viewer" });
      expect(viaOrg.user).toMatchObject({ email: "org-add@example.com", role: "viewer" });
      await expect(
        expectUnchanged(app, () =>
          app.caller(ownerToken).users.add({ organizationId: orgId, email: "TRPC-add@example.com", password: PASSWORD, role: "viewer" }),
        ),
      ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "A user with this email already exists" });
    });
  });

  describe("change role", () => {
    it("an admin changes a role; the new role applies to the user's next request; audited with the previous role", async () => {
      const target = await userToken(app, orgId, "viewer");
      const create = () =>
        app.rest("POST", "/api/v1/identities", {
          token: target.token,
          body: { name: "by-promoted", organizationId: orgId, role: "viewer" },
        });
      expect((await create()).status).toBe(403);
      const res = await app.rest("PATCH", user(target.userId), { token: ownerToken, body: { role: "member" } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: { id: target.userId, email: target.email, role: "member" } });
      expect((await create()).status).toBe(200);
      const [event] = (await events("update-org-user-role")).slice(-1);
      expect(event).toMatchObject({ actorId: ownerId, metadata: { userId: target.userId, previousRole: "viewer", role: "member" } });
    });

    it("the same role again answers 200 and writes nothing", async () => {
      const target = await userToken(app, orgId, "viewer");
      const res = await expectUnchanged(app, () => app.rest("PATCH", user(target.userId), { token: ownerToken, body: { role: "viewer" } }));
      expect(res.body.user.role).toBe("viewer");
    });

    it("a member promotes up to member but cannot touch admins nor grant admin; a viewer changes nothing", async () => {
      const member = await userToken(app, orgId, "member");
      const viewer = await userToken(app, orgId, "viewer");
      expect((await app.rest("PATCH", user(viewer.userId), { token: member.token, body: { role: "member" } })).status).toBe(200);
      const other = await userToken(app, orgId, "viewer");
      for (const [target, role] of [
        [other.userId, "admin"],
        [ownerId, "viewer"],
      ] as const) {
        expectError(
          await expectUnchanged(app, () => app.rest("PATCH", user(target), { token: member.token, body: { role } })),
          403,
          "PermissionBoundaryError",
          "Failed to edit user with more privileged role",
          { missingPermissions: [{ action: "edit", subject: "user" }] },
        );
      }
      const viewer2 = await userToken(app, orgId, "viewer");
      expectError(
        await expectUnchanged(app, () => app.rest("PATCH", user(other.userId), { token: viewer2.token, body: { role: "no-access" } })),
        403,
        "PermissionDenied",
        "You are not allowed to edit users",
      );
    });

    it("404 for an unknown user or one of another organization; 422 for a bad role or id", async () => {
      const other = await app.otherOrganization("Other role");
      const stranger = await userToken(app, other.orgId, "viewer");
      for (const id of [UNKNOWN_ID, stranger.userId]) {
        expectError(
          await expectUnchanged(app, () => app.rest("PATCH", user(id), { token: ownerToken, body: { role: "viewer" } })),
          404,
          "NotFound",
          `Failed to find user with ID ${id} in this organization`,
        );
      }
      expectValidation(await app.rest("PATCH", user(UNKNOWN_ID), { token: ownerToken, body: { role: "owner" } }), [
        { path: ["role"], message: "Role must be one of admin, member, viewer, no-access" },
      ]);
      expectValidation(await app.rest("PATCH", `${users()}/bob`, { token: ownerToken, body: { role: "viewer" } }), [
        { path: ["userId"], message: "userId must be a UUID" },
      ]);
      expectError(await app.rest("PATCH", user(UNKNOWN_ID), { body: { role: "viewer" } }), 401, "UnauthorizedError", "Token missing");
    });
  });

  describe("the last admin user", () => {
    it("cannot be demoted or removed, by itself or another route (REST 400 = tRPC BAD_REQUEST); nothing changes", async () => {
      expect(await app.db.orgMembership.count({ where: { orgId, role: "admin" } })).toBe(1);
      expectError(
        await expectUnchanged(app, () => app.rest("PATCH", user(ownerId), { token: ownerToken, body: { role: "member" } })),
        400,
        "BadRequest",
        LAST_ADMIN,
      );
      expectError(
        await expectUnchanged(app, () => app.rest("DELETE", user(ownerId), { token: ownerToken })),
        400,
        "BadRequest",
        LAST_ADMIN,
      );
      await expect(
        app.caller(ownerToken).users.updateRole({ organizationId: orgId, userId: ownerId, role: "viewer" }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: LAST_ADMIN,
      });
      await expect(app.caller(ownerToken).users.remove({ organizationId: orgId, userId: ownerId })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: LAST_ADMIN,
      });
      expect(await roleOf(ownerId)).toBe("admin");
    });

    it("two admins demoting each other at once: exactly one succeeds, one admin remains", async () => {
      const a = await userToken(app, orgId, "admin");
      const b = await userToken(app, orgId, "admin");
      // Demote the owner first so a and b are the only admin users.
      expect((await app.rest("PATCH", user(ownerId), { token: a.token, body: { role: "member" } })).status).toBe(200);
      const [ab, ba] = await Promise.all([
        app.rest("PATCH", user(b.userId), { token: a.token, body: { role: "viewer" } }),
        app.rest("PATCH", user(a.userId), { token: b.token, body: { role: "viewer" } }),
      ]);
      // The loser is refused: either as the last admin (400) or, read after the winner's commit, as no admin any more (403).
      const [won, lost] = ab.status === 200 ? [ab, ba] : [ba, ab];
      expect(won.status).toBe(200);
      expect([400, 403]).toContain(lost.status);
      expect(await app.db.orgMembership.count({ where: { orgId, role: "admin" } })).toBe(1);
      // Restore: the remaining admin promotes the owner back.
      const remaining = ab.status === 200 ? a : b;
      expect((await app.rest("PATCH", user(ownerId), { token: remaining.token, body: { role: "admin" } })).status).toBe(200);
    });
  });

  describe("remove", () => {
    it("an admin removes a user: their session is refused on the next request, the user is gone, audited", async () => {
      const target = await userToken(app, orgId, "member");
      const second = (await login(target.email)).body.token as string;
      expect(await sessionWorks(target.token)).toBe(true);
      const res = await app.rest("DELETE", user(target.userId), { token: ownerToken });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: { id: target.userId, email: target.email, role: "member" } });
      for (const token of [target.token, second]) {
        expectError(
          await app.rest("GET", "/api/v1/identities", { token }),
          401,
          "UnauthorizedError",
          "Failed to authorize: token has been revoked",
        );
      }
      expect(await app.db.user.findUnique({ where: { id: target.userId } })).toBeNull();
      expect((await login(target.email)).status).toBe(401);
      const [event] = (await events("remove-org-user")).slice(-1);
      expect(event).toMatchObject({
        actorId: ownerId,
        metadata: { userId: target.userId, email: target.email, role: "member", revokedSessions: 2 },
      });
      // The email is free again.
      expect(
        (await app.rest("POST", users(), { token: ownerToken, body: { email: target.email, password: PASSWORD, role: "viewer" } })).status,
      ).toBe(200);
    });

    it("an admin user removes an admin while another admin remains (tRPC)", async () => {
      const extra = await userToken(app, orgId, "admin");
      expect(await app.caller(ownerToken).users.remove({ organizationId: orgId, userId: extra.userId })).toMatchObject({
        user: { role: "admin" },
      });
      expect(await sessionWorks(extra.token)).toBe(false);
    });

    it("members and viewers remove nobody (403); unknown user 404; nothing changes", async () => {
      const victim = await userToken(app, orgId, "viewer");
      for (const role of ["member", "viewer"] as const) {
        const { token } = await userToken(app, orgId, role);
        expectError(
          await expectUnchanged(app, () => app.rest("DELETE", user(victim.userId), { token })),
          403,
          "PermissionDenied",
          "You are not allowed to remove users",
        );
      }
      expect(await sessionWorks(victim.token)).toBe(true);
      expectError(
        await expectUnchanged(app, () => app.rest("DELETE", user(UNKNOWN_ID), { token: ownerToken })),
        404,
        "NotFound",
        `Failed to find user with ID ${UNKNOWN_ID} in this organization`,
      );
    });
  });

  describe("reset another user's password (admins)", () => {
    it("sets the password, ends that user's sessions, and is audited without the password", async () => {
      const target = await userToken(app, orgId, "member");
      const res = await app.rest("POST", `${user(target.userId)}/password`, { token: ownerToken, body: { newPassword: NEW_PASSWORD } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expectError(
        await app.rest("GET", "/api/v1/identities", { token: target.token }),
        401,
        "UnauthorizedError",
        "Failed to authorize: token has been revoked",
      );
      expect((await login(target.email)).status).toBe(401);
      expect((await login(target.email, NEW_PASSWORD)).status).toBe(200);
      const [event] = (await events("reset-user-password")).slice(-1);
      expect(event).toMatchObject({ actorId: ownerId, metadata: { userId: target.userId, email: target.email, revokedSessions: 1 } });
      expect(JSON.stringify(event)).not.toContain(NEW_PASSWORD);
      expect(await sessionWorks(ownerToken)).toBe(true);
    });

    it("resets through tRPC too", async () => {
      const target = await userToken(app, orgId, "viewer");
      expect(
        await app.caller(ownerToken).users.resetPassword({ organizationId: orgId, userId: target.userId, newPassword: NEW_PASSWORD }),
      ).toEqual({ ok: true });
      expect((await login(target.email, NEW_PASSWORD)).status).toBe(200);
    });

    it("members: 403; one's own password: 400 (use the change endpoint); unknown user: 404; short password: 422", async () => {
      const member = await userToken(app, orgId, "member");
      const target = await userToken(app, orgId, "viewer");
      const body = { newPassword: NEW_PASSWORD };
      expectError(
        await expectUnchanged(app, () => app.rest("POST", `${user(target.userId)}/password`, { token: member.token, body })),
        403,
        "PermissionDenied",
        "You are not allowed to reset-password users",
      );
      expectError(
        await expectUnchanged(app, () => app.rest("POST", `${user(ownerId)}/password`, { token: ownerToken, body })),
        400,
        "BadRequest",
        "To change your own password, use POST /api/v1/auth/password with your current password",
      );
      expectError(
        await expectUnchanged(app, () => app.rest("POST", `${user(UNKNOWN_ID)}/password`, { token: ownerToken, body })),
        404,
        "NotFound",
        `Failed to find user with ID ${UNKNOWN_ID} in this organization`,
      );
      expectValidation(await app.rest("POST", `${user(target.userId)}/password`, { token: ownerToken, body: { newPassword: "short" } }), [
        { path: ["newPassword"], message: "Password must be at least 12 characters" },
      ]);
      expect(await sessionWorks(target.token)).toBe(true);
    });
  });

  describe("machine identities and human users", () => {
    const MACHINE = messages.machineManagesHumans;

    it("an admin identity cannot add users, reset passwords, give or take the admin role, or remove an admin: 403 (REST), nothing changes", async () => {
      const extraAdmin = await userToken(app, orgId, "admin");
      const member = await userToken(app, orgId, "member");
      const refused = [
        () =>
          app.rest("POST", users(), { token: identityToken, body: { email: "by-machine@example.com", password: PASSWORD, role: "admin" } }),
        () =>
          app.rest("POST", users(), {
            token: identityToken,
            body: { email: "by-machine@example.com", password: PASSWORD, role: "viewer" },
          }),
        () => app.rest("POST", `${user(extraAdmin.userId)}/password`, { token: identityToken, body: { newPassword: NEW_PASSWORD } }),
        () => app.rest("POST", `${user(member.userId)}/password`, { token: identityToken, body: { newPassword: NEW_PASSWORD } }),
        () => app.rest("PATCH", user(member.userId), { token: identityToken, body: { role: "admin" } }),
        () => app.rest("PATCH", user(extraAdmin.userId), { token: identityToken, body: { role: "viewer" } }),
        () => app.rest("DELETE", user(extraAdmin.userId), { token: identityToken }),
      ];
      for (const attempt of refused) expectError(await expectUnchanged(app, attempt), 403, "ForbiddenError", MACHINE);
      expect(await roleOf(extraAdmin.userId)).toBe("admin");
      expect(await roleOf(member.userId)).toBe("member");
      expect(await sessionWorks(extraAdmin.token)).toBe(true);
      expect((await login(member.email)).status).toBe(200);
    });

    it("the same through tRPC (FORBIDDEN), while a human admin's session does each of them", async () => {
      const extraAdmin = await userToken(app, orgId, "admin");
      const member = await userToken(app, orgId, "member");
      const machine = app.caller(identityToken);
      const attempts: (() => Promise<unknown>)[] = [
        () => machine.users.add({ organizationId: orgId, email: "trpc-machine@example.com", password: PASSWORD, role: "member" }),
        () =>
          machine.organizations.addUser({ organizationId: orgId, email: "trpc-machine@example.com", password: PASSWORD, role: "member" }),
        () => machine.users.resetPassword({ organizationId: orgId, userId: member.userId, newPassword: NEW_PASSWORD }),
        () => machine.users.updateRole({ organizationId: orgId, userId: member.userId, role: "admin" }),
        () => machine.users.updateRole({ organizationId: orgId, userId: extraAdmin.userId, role: "member" }),
        () => machine.users.remove({ organizationId: orgId, userId: extraAdmin.userId }),
      ];
      for (const attempt of attempts) {
        await expect(expectUnchanged(app, attempt)).rejects.toMatchObject({ code: "FORBIDDEN", message: MACHINE });
      }
      const human = app.caller(extraAdmin.token);
      await human.users.resetPassword({ organizationId: orgId, userId: member.userId, newPassword: NEW_PASSWORD });
      expect((await human.users.updateRole({ organizationId: orgId, userId: member.userId, role: "admin" })).user.role).toBe("admin");
      expect(
        (await human.users.add({ organizationId: orgId, email: "trpc-human@example.com", password: PASSWORD, role: "admin" })).user.role,
      ).toBe("admin");
      expect((await human.users.remove({ organizationId: orgId, userId: member.userId })).user.role).toBe("admin");
    });

    it("an admin identity still lists users, changes roles below admin and removes non-admins", async () => {
      const viewer = await userToken(app, orgId, "viewer");
      expect((await app.rest("GET", users(), { token: identityToken })).status).toBe(200);
      const promoted = await app.rest("PATCH", user(viewer.userId), { token: identityToken, body: { role: "member" } });
      expect(promoted.status).toBe(200);
      expect(await roleOf(viewer.userId)).toBe("member");
      expect((await app.caller(identityToken).users.remove({ organizationId: orgId, userId: viewer.userId })).user.role).toBe("member");
      expect(await sessionWorks(viewer.token)).toBe(false);
    });
  });

  describe("change one's own password", () => {
    it("with the current password: other sessions end, this one stays, the new password logs in; audited without passwords", async () => {
      const me = await userToken(app, orgId, "viewer");
      const other = (await login(me.email)).body.token as string;
      const res = await app.rest("POST", "/api/v1/auth/password", {
        token: me.token,
        body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect(await sessionWorks(me.token)).toBe(true);
      expect(await sessionWorks(other)).toBe(false);
      expect((await login(me.email)).status).toBe(401);
      expect((await login(me.email, NEW_PASSWORD)).status).toBe(200);
      const [event] = (await events("change-own-password")).slice(-1);
      expect(event).toMatchObject({ orgId, actorId: me.userId, metadata: { userId: me.userId, revokedSessions: 1 } });
      expect(JSON.stringify(event)).not.toContain(NEW_PASSWORD);
      expect(JSON.stringify(event)).not.toContain(PASSWORD);
      // tRPC: back again.
      expect(await app.caller(me.token).users.changePassword({ currentPassword: NEW_PASSWORD, newPassword: PASSWORD })).toEqual({
        ok: true,
      });
      expect((await login(me.email)).status).toBe(200);
    });

    it("wrong current password: 400; same password: 422; identity token: 403; no token: 401; nothing changes", async () => {
      const me = await userToken(app, orgId, "viewer");
      expectError(
        await expectUnchanged(app, () =>
          app.rest("POST", "/api/v1/auth/password", {
            token: me.token,
            body: { currentPassword: "not-my-password", newPassword: NEW_PASSWORD },
          }),
        ),
        400,
        "BadRequest",
        "Current password is incorrect",
      );
      expectValidation(
        await app.rest("POST", "/api/v1/auth/password", { token: me.token, body: { currentPassword: PASSWORD, newPassword: PASSWORD } }),
        [{ path: ["newPassword"], message: "New password must differ from the current password" }],
      );
      expectValidation(
        await app.rest("POST", "/api/v1/auth/password", { token: me.token, body: { currentPassword: "", newPassword: "short" } }),
        [
          { path: ["currentPassword"], message: "Current password cannot be empty" },
          { path: ["newPassword"], message: "Password must be at least 12 characters" },
        ],
      );
      expectError(
        await expectUnchanged(app, () =>
          app.rest("POST", "/api/v1/auth/password", {
            token: identityToken,
            body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
          }),
        ),
        403,
        "ForbiddenError",
        "Only a signed-in user can change their own password; machine identities have no password",
      );
      expectError(
        await app.rest("POST", "/api/v1/auth/password", { body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }),
        401,
        "UnauthorizedError",
        "Token missing",
      );
      await expect(
        app.caller(me.token).users.changePassword({ currentPassword: "nope-nope-nope", newPassword: NEW_PASSWORD }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: "Current password is incorrect",
      });
      expect((await login(me.email)).status).toBe(200);
    });
  });
});
