import * as data from "@ociauth/db";
import type { OrgRole } from "@ociauth/schema";
import { decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectUnchanged, identityToken, userToken } from "./expect-helpers";
import { createTestApp, type TestApp, TENANCY } from "./harness";

const TOKEN_INVALID = "The provided access token is malformed. Please use a valid token or generate a new one and try again.";
const TOKEN_EXPIRED = "Your token has expired. Please re-authenticate.";
const RANK: Record<OrgRole, number> = { "no-access": 0, viewer: 1, member: 2, admin: 3 };

type Action = "read" | "list" | "readOci" | "create" | "edit" | "attach" | "updateOci" | "revokeOci" | "delete";
/** Read = viewer+, create/edit/attach/update/revoke auth = member+, delete = admin. */
const ACTIONS: Record<Action, { min: OrgRole; denied: "read" | "create" | "edit" | "delete" }> = {
  read: { min: "viewer", denied: "read" },
  list: { min: "viewer", denied: "read" },
  readOci: { min: "viewer", denied: "read" },
  create: { min: "member", denied: "create" },
  edit: { min: "member", denied: "edit" },
  attach: { min: "member", denied: "create" },
  updateOci: { min: "member", denied: "edit" },
  revokeOci: { min: "member", denied: "edit" },
  delete: { min: "admin", denied: "delete" },
};

const denied = (action: string) => ({
  message: `You are not allowed to ${action} on identity`,
  details: [{ action, subject: "identity", inverted: false, conditions: null }],
});
const boundary = (operation: string) => ({
  message: `Failed to ${operation} identity with more privileged role`,
  details: { missingPermissions: [{ action: operation, subject: "identity" }] },
});

describe("permissions", () => {
  let app: TestApp;
  let adminToken: string;
  let orgId: string;
  const actors: Record<string, { token: string; role: OrgRole }> = {};

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    for (const role of ["admin", "member", "viewer", "no-access"] as const) {
      actors[`${role} user`] = { token: (await userToken(app, orgId, role)).token, role };
    }
    actors["bootstrap admin identity"] = { token: adminToken, role: "admin" };
    for (const role of ["member", "viewer", "no-access"] as const) {
      const id = await app.createIdentity(adminToken, orgId, role, `${role}-actor`);
      actors[`${role} identity`] = { token: await identityToken(app, id), role };
    }
  });
  afterAll(() => app.close());

  /** A fresh target identity (role no-access, so the privilege boundary never applies), optionally with OCI auth. */
  async function target(withOci: boolean, role: OrgRole = "no-access") {
    // Made directly in the database (fast); the REST create path is covered by the matrix itself.
    const { id } = await data.createIdentity(app.db, { orgId, name: "target", role });
    if (withOci) {
      const res = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid: TENANCY } });
      expect(res.status).toBe(200);
    }
    return id;
  }

  const needsOci = (action: Action) => action === "readOci" || action === "updateOci" || action === "revokeOci";
  const targetFor = (action: Action) => (action === "create" || action === "list" ? Promise.resolve(null) : target(needsOci(action)));

  async function expectEffect(action: Action, id: string | null, body: any) {
    switch (action) {
      case "read":
        return expect(body.identity.id).toBe(id);
      case "list":
        return expect(body.totalCount).toBeGreaterThan(0);
      case "readOci":
        return expect(body.identityOciAuth.identityId).toBe(id);
      case "create":
        return expect(await app.db.identity.findUnique({ where: { id: body.identity.id } })).toMatchObject({ name: "made", orgId });
      case "edit":
        return expect(await app.db.identity.findUnique({ where: { id: id! } })).toMatchObject({ name: "edited" });
      case "attach":
        return expect(await app.db.identityOciAuth.findUnique({ where: { identityId: id! } })).toMatchObject({ tenancyOcid: TENANCY });
      case "updateOci":
        return expect(await app.db.identityOciAuth.findUnique({ where: { identityId: id! } })).toMatchObject({ accessTokenTTL: 60 });
      case "revokeOci":
        return expect(await app.db.identityOciAuth.findUnique({ where: { identityId: id! } })).toBeNull();
      case "delete":
        return expect(await app.db.identity.findUnique({ where: { id: id! } })).toBeNull();
    }
  }

  const actorNames = [
    "admin user",
    "member user",
    "viewer user",
    "no-access user",
    "bootstrap admin identity",
    "member identity",
    "viewer identity",
    "no-access identity",
  ];
  const cases = actorNames.flatMap((actor) => (Object.keys(ACTIONS) as Action[]).map((action) => [actor, action] as const));

  describe("role matrix", () => {
    it.each(cases)("%s: %s", async (actorName, action) => {
      const actor = actors[actorName]!;
      const rule = ACTIONS[action];
      // The target is created first (by the admin); then the request under test.
      const id = await targetFor(action);
      if (RANK[actor.role] >= RANK[rule.min]) {
        const res = await performOn(action, actor.token, id);
        expect(res.status).toBe(200);
        await expectEffect(action, id, res.body);
      } else {
        const res = await expectUnchanged(app, () => performOn(action, actor.token, id));
        const { message, details } = denied(rule.denied);
        expectError(res, 403, "PermissionDenied", message, details);
      }
    });
  });

  /** One request of `action` by `token` on the target identity `id`. */
  async function performOn(action: Action, token: string, id: string | null) {
    const oci = `/api/v1/auth/oci-auth/identities/${id}`;
    switch (action) {
      case "read":
        return app.rest("GET", `/api/v1/identities/${id}`, { token });
      case "list":
        return app.rest("GET", `/api/v1/identities?organizationId=${orgId}`, { token });
      case "readOci":
        return app.rest("GET", oci, { token });
      case "create":
        return app.rest("POST", "/api/v1/identities", { token, body: { name: "made", organizationId: orgId, role: "no-access" } });
      case "edit":
        return app.rest("PATCH", `/api/v1/identities/${id}`, { token, body: { name: "edited" } });
      case "attach":
        return app.rest("POST", oci, { token, body: { tenancyOcid: TENANCY } });
      case "updateOci":
        return app.rest("PATCH", oci, { token, body: { accessTokenTTL: 60 } });
      case "revokeOci":
        return app.rest("DELETE", oci, { token });
      case "delete":
        return app.rest("DELETE", `/api/v1/identities/${id}`, { token });
    }
  }

  describe("privilege boundary", () => {
    for (const actorName of ["member user", "member identity"]) {
      describe(actorName, () => {
        const token = () => actors[actorName]!.token;

        it("cannot create an admin identity", async () => {
          const res = await expectUnchanged(app, () =>
            app.rest("POST", "/api/v1/identities", { token: token(), body: { name: "boss", organizationId: orgId, role: "admin" } }),
          );
          const { message, details } = boundary("create");
          expectError(res, 403, "PermissionBoundaryError", message, details);
        });

        it("can create member, viewer and no-access identities (equal or lower role)", async () => {
          for (const role of ["member", "viewer", "no-access"]) {
            const res = await app.rest("POST", "/api/v1/identities", {
              token: token(),
              body: { name: "peer", organizationId: orgId, role },
            });
            expect(res.status).toBe(200);
            expect(await app.db.identity.findUnique({ where: { id: res.body.identity.id } })).toMatchObject({ role });
          }
        });

        it("cannot update an admin identity", async () => {
          const id = await target(false, "admin");
          const res = await expectUnchanged(app, () =>
            app.rest("PATCH", `/api/v1/identities/${id}`, { token: token(), body: { name: "pwned" } }),
          );
          const { message, details } = boundary("update");
          expectError(res, 403, "PermissionBoundaryError", message, details);
        });

        it("cannot raise an identity's role to admin", async () => {
          const id = await target(false, "member");
          const res = await expectUnchanged(app, () =>
            app.rest("PATCH", `/api/v1/identities/${id}`, { token: token(), body: { role: "admin" } }),
          );
          const { message, details } = boundary("update");
          expectError(res, 403, "PermissionBoundaryError", message, details);
        });

        it("can raise a viewer identity to member and rename a member identity", async () => {
          const id = await target(false, "viewer");
          const res = await app.rest("PATCH", `/api/v1/identities/${id}`, { token: token(), body: { role: "member", name: "promoted" } });
          expect(res.status).toBe(200);
          expect(res.body.identity).toMatchObject({ name: "promoted" });
          expect(await app.db.identity.findUnique({ where: { id } })).toMatchObject({ role: "member", name: "promoted" });
        });

        it("cannot delete an admin identity (delete needs admin: PermissionDenied comes before the boundary)", async () => {
          // A member may not delete any identity, so the role check answers first; the boundary
          // can never be reached for delete (admin is the highest role).
          const id = await target(false, "admin");
          const res = await expectUnchanged(app, () => app.rest("DELETE", `/api/v1/identities/${id}`, { token: token() }));
          const { message, details } = denied("delete");
          expectError(res, 403, "PermissionDenied", message, details);
        });

        it("cannot attach OCI auth to an admin identity", async () => {
          const id = await target(false, "admin");
          const res = await expectUnchanged(app, () =>
            app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: token(), body: { tenancyOcid: TENANCY } }),
          );
          const { message, details } = boundary("attach OCI auth to");
          expectError(res, 403, "PermissionBoundaryError", message, details);
        });

        it("cannot update or revoke the OCI auth of an admin identity, but can read it", async () => {
          const id = await target(true, "admin");
          const patch = await expectUnchanged(app, () =>
            app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${id}`, { token: token(), body: { accessTokenTTL: 1 } }),
          );
          expectError(
            patch,
            403,
            "PermissionBoundaryError",
            boundary("update OCI auth of").message,
            boundary("update OCI auth of").details,
          );
          const revoke = await expectUnchanged(app, () => app.rest("DELETE", `/api/v1/auth/oci-auth/identities/${id}`, { token: token() }));
          expectError(
            revoke,
            403,
            "PermissionBoundaryError",
            boundary("revoke OCI auth of").message,
            boundary("revoke OCI auth of").details,
          );
          const read = await app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token: token() });
          expect(read.status).toBe(200);
          expect(read.body.identityOciAuth.accessTokenTTL).toBe(2592000);
          const readIdentity = await app.rest("GET", `/api/v1/identities/${id}`, { token: token() });
          expect(readIdentity.status).toBe(200);
        });
      });
    }

    it("admins (user and identity) can manage admin identities", async () => {
      for (const token of [actors["admin user"]!.token, adminToken]) {
        const id = await target(false, "admin");
        expect((await app.rest("PATCH", `/api/v1/identities/${id}`, { token, body: { name: "renamed" } })).status).toBe(200);
        expect((await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token, body: { tenancyOcid: TENANCY } })).status).toBe(
          200,
        );
        expect((await app.rest("DELETE", `/api/v1/identities/${id}`, { token })).status).toBe(200);
      }
    });
  });

  describe("other organization", () => {
    it("every action on another organization's identity is 404 and changes nothing", async () => {
      const other = await app.otherOrganization();
      const id = await app.createIdentity(other.token, other.orgId, "no-access", "foreign");
      const attach = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, {
        token: other.token,
        body: { tenancyOcid: TENANCY },
      });
      expect(attach.status).toBe(200);
      const message = `Failed to find identity with ID ${id}`;
      // The highest-privileged actors of this org (plus a member) must see nothing of the other.
      for (const actorName of ["admin user", "member user", "bootstrap admin identity", "member identity"]) {
        const { token } = actors[actorName]!;
        for (const action of ["read", "readOci", "edit", "updateOci", "revokeOci", "delete"] as const) {
          const res = await expectUnchanged(app, () => performOn(action, token, id));
          expectError(res, 404, "NotFound", message);
        }
        // attach: the identity already has OCI auth in its org; still 404, never "already configured".
        const res = await expectUnchanged(app, () => performOn("attach", token, id));
        expectError(res, 404, "NotFound", message);
      }
      expect(await app.db.identity.findUnique({ where: { id } })).toMatchObject({ name: "foreign", role: "no-access" });
      expect(await app.db.identityOciAuth.count({ where: { identityId: id } })).toBe(1);
    });
  });

  describe("authentication", () => {
    const create = (headers: Record<string, string>, body: unknown = { name: "x", organizationId: orgId, role: "viewer" }) =>
      expectUnchanged(app, () => app.rest("POST", "/api/v1/identities", { headers, body }));

    it("missing token → 401 Token missing (before body validation)", async () => {
      expectError(await create({}), 401, "UnauthorizedError", "Token missing");
      expectError(await create({}, { name: "" }), 401, "UnauthorizedError", "Token missing");
      expectError(await create({ authorization: "Basic dXNlcjpwYXNz" }), 401, "UnauthorizedError", "Token missing");
      expectError(await create({ authorization: "Bearer " }), 401, "UnauthorizedError", "Token missing");
      const get = await app.rest("GET", "/api/v1/identities");
      expectError(get, 401, "UnauthorizedError", "Token missing");
    });

    it("garbage token → 403 TokenError", async () => {
      for (const token of ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30."]) {
        expectError(await create({ authorization: `Bearer ${token}` }), 403, "TokenError", TOKEN_INVALID, null);
      }
    });

    it("token signed with another secret → 403 TokenError", async () => {
      const { jti, userId } = decodeJwt(actors["admin user"]!.token) as { jti: string; userId: string };
      const forged = await new SignJWT({ authTokenType: "accessToken", userId })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer("ociauth")
        .setJti(jti)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode("a-completely-different-secret-of-32-chars!"));
      expectError(await create({ authorization: `Bearer ${forged}` }), 403, "TokenError", TOKEN_INVALID, null);
    });

    it("alg: none token → 403 TokenError", async () => {
      const [, payload] = actors["admin user"]!.token.split(".");
      const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
      expectError(await create({ authorization: `Bearer ${header}.${payload}.` }), 403, "TokenError", TOKEN_INVALID, null);
    });

    it("tampered payload → 403 TokenError", async () => {
      const viewer = actors["viewer user"]!.token;
      const admin = decodeJwt(actors["admin user"]!.token);
      const [header, payload, signature] = viewer.split(".");
      const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
      const tampered = Buffer.from(JSON.stringify({ ...claims, userId: admin.userId })).toString("base64url");
      expectError(await create({ authorization: `Bearer ${header}.${tampered}.${signature}` }), 403, "TokenError", TOKEN_INVALID, null);
      // The untampered viewer token is still a viewer.
      const res = await create({ authorization: `Bearer ${viewer}` });
      expectError(res, 403, "PermissionDenied", denied("create").message, denied("create").details);
    });

    it("a correctly signed JWT past its exp → 403 TokenError expired", async () => {
      const { jti, userId } = decodeJwt(actors["admin user"]!.token) as { jti: string; userId: string };
      const key = app.rt.tokens.currentKey();
      const expired = await new SignJWT({ authTokenType: "accessToken", userId })
        .setProtectedHeader({ alg: key.alg, kid: key.id, typ: "JWT" })
        .setIssuer(app.rt.tokens.issuer)
        .setAudience(app.rt.tokens.issuer)
        .setJti(jti)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(key.privateKey!);
      expectError(await create({ authorization: `Bearer ${expired}` }), 403, "TokenError", TOKEN_EXPIRED, null);
    });

    it("an expired user session → 403 TokenError expired", async () => {
      const { token } = await userToken(app, orgId, "admin");
      expect((await app.rest("GET", "/api/v1/identities", { token })).status).toBe(200);
      const { jti } = decodeJwt(token) as { jti: string };
      const { count } = await app.db.userSession.updateMany({ where: { id: jti }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect(count).toBe(1);
      expectError(await create({ authorization: `Bearer ${token}` }), 403, "TokenError", TOKEN_EXPIRED, null);
      expectError(await app.rest("GET", "/api/v1/identities", { token }), 403, "TokenError", TOKEN_EXPIRED, null);
    });

    it("a revoked identity access token → 401", async () => {
      const id = await app.createIdentity(adminToken, orgId, "admin", "revoked-actor");
      const token = await identityToken(app, id);
      expect((await app.rest("GET", "/api/v1/identities", { token })).status).toBe(200);
      const { jti } = decodeJwt(token) as { jti: string };
      await app.db.identityAccessToken.update({ where: { id: jti }, data: { revokedAt: new Date() } });
      expectError(
        await create({ authorization: `Bearer ${token}` }),
        401,
        "UnauthorizedError",
        "Failed to authorize: token has been revoked",
      );
    });

    it("a token of a deleted identity → 401 revoked, like any revoked token (use, renew and revoke)", async () => {
      const id = await app.createIdentity(adminToken, orgId, "admin", "doomed-actor");
      const token = await identityToken(app, id);
      expect((await app.rest("DELETE", `/api/v1/identities/${id}`, { token: adminToken })).status).toBe(200);
      const revoked = "Failed to authorize: token has been revoked";
      expectError(await create({ authorization: `Bearer ${token}` }), 401, "UnauthorizedError", revoked);
      expectError(await app.rest("POST", "/api/v1/auth/token/renew", { body: { accessToken: token } }), 401, "UnauthorizedError", revoked);
      expectError(await app.rest("POST", "/api/v1/auth/token/revoke", { body: { accessToken: token } }), 401, "UnauthorizedError", revoked);
    });
  });
});
