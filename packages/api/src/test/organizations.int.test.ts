import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { messages, slugMessages } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { expectError, expectUnchanged, expectValidation, identityToken, userToken } from "./expect-helpers";
import { createTestApp, PASSWORD, type TestApp } from "./harness";

const CREATE = "/api/v1/organizations";
/** Infisical's create path, served by the same operation. */
const CREATE_V2 = "/api/v2/organizations";
const LIST = "/api/v1/organization";
const ORG = (id: string) => `/api/v1/organization/${id}`;
const ORG_KEYS = ["createdAt", "id", "name", "slug", "updatedAt"];

/** Tests run in order on one app: the bootstrap organization "Acme", then the ones created here. */
describe("organizations: slugs, create, list, update, scoping", () => {
  let app: TestApp;
  let adminToken: string;
  let adminIdentityId: string;
  let orgId: string;
  /** The bootstrap user's session (admin of Acme). */
  let ownerToken: string;
  /** Created by the owner in "create": Acme's second organization. */
  let second: { id: string; slug: string };

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, adminIdentityId, orgId } = await app.bootstrap());
    const login = await app.rest("POST", "/api/v1/auth/login", { body: { email: "admin@example.com", password: PASSWORD } });
    expect(login.status).toBe(200);
    ownerToken = login.body.token;
  });
  afterAll(() => app.close());

  it("the bootstrap organization's slug is derived from its name", async () => {
    const org = await app.db.organization.findUniqueOrThrow({ where: { id: orgId } });
    expect(org.slug).toBe("acme");
  });

  describe("create (POST /api/v1/organizations, or Infisical's /api/v2/organizations)", () => {
    it("a user creates one and becomes its admin; the slug comes from the name, with a suffix when taken", async () => {
      const res = await app.rest("POST", CREATE, { token: ownerToken, body: { name: "ACME" } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(["organization"]);
      expect(Object.keys(res.body.organization).sort()).toEqual(ORG_KEYS);
      expect(res.body.organization).toMatchObject({ name: "ACME", slug: "acme-2" });
      second = res.body.organization;
      const third = await app.rest("POST", CREATE_V2, { token: ownerToken, body: { name: "acme" } });
      expect(third.status).toBe(200);
      expect(third.body.organization.slug).toBe("acme-3");
      const list = await app.rest("GET", LIST, { token: ownerToken });
      expect(list.body.organizations.find((o: { id: string }) => o.id === second.id)).toMatchObject({ userRole: "admin" });
      const event = await app.db.auditEvent.findFirst({ where: { eventType: "create-organization", orgId: second.id } });
      expect(event?.metadata).toMatchObject({ organizationId: second.id, name: "ACME", slug: "acme-2" });
    });

    it("derives lowercase ASCII slugs from any name", async () => {
      const res = await app.rest("POST", CREATE, { token: ownerToken, body: { name: "  Café Zürich: Prod! " } });
      expect(res.body.organization).toMatchObject({ name: "Café Zürich: Prod!", slug: "cafe-zurich-prod" });
      const symbols = await app.rest("POST", CREATE, { token: ownerToken, body: { name: "***" } });
      expect(symbols.body.organization.slug).toBe("org");
    });

    it("takes a slug of the caller's choosing; a taken one answers 400 and creates nothing", async () => {
      const res = await app.rest("POST", CREATE, { token: ownerToken, body: { name: "Chosen", slug: "team-blue" } });
      expect(res.body.organization.slug).toBe("team-blue");
      const taken = await expectUnchanged(app, () =>
        app.rest("POST", CREATE, { token: ownerToken, body: { name: "Other", slug: "team-blue" } }),
      );
      expectError(taken, 400, "BadRequest", messages.organizationSlugTaken("team-blue"));
    });

    it.each([
      ["upper case", "Team-Blue"],
      ["spaces", "team blue"],
      ["a leading hyphen", "-team"],
      ["two hyphens in a row", "team--blue"],
      ["65 characters", "a".repeat(65)],
    ])("422 for a slug with %s", async (_label, slug) => {
      const res = await expectUnchanged(app, () => app.rest("POST", CREATE, { token: ownerToken, body: { name: "X", slug } }));
      expectValidation(res, [{ path: ["slug"], message: slug.length > 64 ? slugMessages.tooLong : slugMessages.format }]);
    });

    it("machine identities cannot create organizations, even admin ones (403)", async () => {
      const res = await expectUnchanged(app, () => app.rest("POST", CREATE, { token: adminToken, body: { name: "Rogue" } }));
      expectError(res, 403, "ForbiddenError", messages.identityCreatesOrganization);
    });

    it("tRPC: organizations.create and organizations.list", async () => {
      const { organization } = await app.caller(ownerToken).organizations.create({ name: "Via tRPC" });
      expect(organization.slug).toBe("via-trpc");
      const { organizations } = await app.caller(ownerToken).organizations.list();
      expect(organizations.map((o) => o.slug)).toContain("via-trpc");
    });
  });

  describe("list and read", () => {
    it("a user lists the organizations they belong to (in the order they joined) with their role", async () => {
      const member = await userToken(app, second.id, "viewer");
      const res = await app.rest("GET", LIST, { token: member.token });
      expect(res.status).toBe(200);
      expect(res.body.organizations).toHaveLength(1);
      expect(res.body.organizations[0]).toMatchObject({ id: second.id, slug: "acme-2", userRole: "viewer" });
      expect(Object.keys(res.body.organizations[0]).sort()).toEqual([...ORG_KEYS, "userRole"].sort());
      const owned = await app.rest("GET", LIST, { token: ownerToken });
      expect(owned.body.organizations[0]).toMatchObject({ id: orgId, slug: "acme", userRole: "admin" });
    });

    it("an identity lists its own organization only", async () => {
      const res = await app.rest("GET", LIST, { token: adminToken });
      expect(res.body.organizations).toEqual([expect.objectContaining({ id: orgId, slug: "acme", userRole: "admin" })]);
    });

    it("GET /api/v1/organization/{id}: one the caller belongs to; any other is 404", async () => {
      expect((await app.rest("GET", ORG(second.id), { token: ownerToken })).body.organization).toMatchObject({ slug: "acme-2" });
      const outsider = await userToken(app, orgId, "viewer");
      expectError(
        await app.rest("GET", ORG(second.id), { token: outsider.token }),
        404,
        "NotFound",
        messages.organizationNotFound(second.id),
      );
      expectError(await app.rest("GET", ORG(second.id), { token: adminToken }), 404, "NotFound", messages.organizationNotFound(second.id));
    });
  });

  describe("update (PATCH /api/v1/organization/{id})", () => {
    it("an admin renames it and changes its slug (audited with before and after)", async () => {
      const res = await app.rest("PATCH", ORG(second.id), { token: ownerToken, body: { name: "Acme Two", slug: "acme-two" } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        message: messages.organizationUpdated,
        organization: { id: second.id, name: "Acme Two", slug: "acme-two" },
      });
      const event = await app.db.auditEvent.findFirst({ where: { eventType: "update-organization", orgId: second.id } });
      expect(event?.metadata).toMatchObject({
        changedFields: ["name", "slug"],
        before: { name: "ACME", slug: "acme-2" },
        after: { name: "Acme Two", slug: "acme-two" },
      });
      second.slug = "acme-two";
    });

    it("a slug another organization has answers 400; an invalid one 422; an empty body 422", async () => {
      const taken = await expectUnchanged(app, () => app.rest("PATCH", ORG(second.id), { token: ownerToken, body: { slug: "acme" } }));
      expectError(taken, 400, "BadRequest", messages.organizationSlugTaken("acme"));
      const invalid = await app.rest("PATCH", ORG(second.id), { token: ownerToken, body: { slug: "Acme Two" } });
      expectValidation(invalid, [{ path: ["slug"], message: slugMessages.format }]);
      expectValidation(await app.rest("PATCH", ORG(second.id), { token: ownerToken, body: {} }), [
        { path: ["name"], message: "Give a new name or slug" },
      ]);
    });

    it("a member or viewer gets 403; someone of another organization 404", async () => {
      for (const role of ["member", "viewer"] as const) {
        const { token } = await userToken(app, second.id, role);
        const res = await expectUnchanged(app, () => app.rest("PATCH", ORG(second.id), { token, body: { name: "Mine" } }));
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ error: "PermissionDenied", message: messages.organizationEditDenied });
      }
      const outsider = await userToken(app, orgId, "admin");
      const res = await app.rest("PATCH", ORG(second.id), { token: outsider.token, body: { name: "Mine" } });
      expectError(res, 404, "NotFound", messages.organizationNotFound(second.id));
    });

    it("an admin identity may rename its own organization, never another one", async () => {
      const own = await app.rest("PATCH", ORG(orgId), { token: adminToken, body: { name: "Acme Inc" } });
      expect(own.body.organization).toMatchObject({ name: "Acme Inc", slug: "acme" });
      const other = await app.rest("PATCH", ORG(second.id), { token: adminToken, body: { name: "Taken over" } });
      expectError(other, 404, "NotFound", messages.organizationNotFound(second.id));
      expect((await app.db.organization.findUniqueOrThrow({ where: { id: second.id } })).name).toBe("Acme Two");
    });
  });

  describe("scoping: another organization's objects are 404", () => {
    it("identities, users and audit events of an organization the caller is not in", async () => {
      const other = await app.otherOrganization("Elsewhere");
      const foreignIdentity = await app.createIdentity(other.token, other.orgId, "member", "foreign");
      for (const token of [adminToken, (await userToken(app, orgId, "admin")).token]) {
        expect((await app.rest("GET", `/api/v1/identities?organizationId=${other.orgId}`, { token })).status).toBe(404);
        expect((await app.rest("GET", `/api/v1/identities/${foreignIdentity}`, { token })).status).toBe(404);
        expect((await app.rest("GET", `/api/v1/organizations/${other.orgId}/users`, { token })).status).toBe(404);
        expect((await app.rest("GET", `/api/v1/audit-logs?organizationId=${other.orgId}`, { token })).status).toBe(404);
      }
    });

    it("a user of two organizations sees each one's identities when naming it, the first one's by default", async () => {
      const inSecond = await app.createIdentity(ownerToken, second.id, "member", "second-only");
      const ofSecond = await app.rest("GET", `/api/v1/identities?organizationId=${second.id}`, { token: ownerToken });
      expect(ofSecond.body.identities.map((m: { identity: { id: string } }) => m.identity.id)).toEqual([inSecond]);
      const byDefault = await app.rest("GET", "/api/v1/identities", { token: ownerToken });
      expect(byDefault.body.identities.map((m: { identity: { id: string } }) => m.identity.id)).not.toContain(inSecond);
      expect(byDefault.body.identities.map((m: { identity: { id: string } }) => m.identity.id)).toContain(adminIdentityId);
    });
  });

  describe("identity details (GET /api/v1/identities/details)", () => {
    it("answers the identity's organization in Infisical's shape (not the /{identityId} route)", async () => {
      const res = await app.rest("GET", "/api/v1/identities/details", { token: adminToken });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ identityDetails: { organization: { id: orgId, name: "Acme Inc", slug: "acme" } } });
      const memberId = await app.createIdentity(ownerToken, second.id, "viewer", "reader");
      const member = await app.rest("GET", "/api/v1/identities/details", { token: await identityToken(app, memberId) });
      expect(member.body.identityDetails.organization).toEqual({ id: second.id, name: "Acme Two", slug: "acme-two" });
    });

    it("a user session gets 403; no token 401", async () => {
      expectError(
        await app.rest("GET", "/api/v1/identities/details", { token: ownerToken }),
        403,
        "ForbiddenError",
        messages.identityDetailsNeedsIdentity,
      );
      expect((await app.rest("GET", "/api/v1/identities/details")).status).toBe(401);
    });
  });

  describe("OCI login with organizationSlug (real signatures, OCI stand-in)", () => {
    let oci: OciStandIn;
    let identityId: string;
    const tenancyOcid = createTestOcid("tenancy");
    const user = { id: createTestOcid("user"), key: createTestApiKey() };
    let lastSecond = 0;
    const sign = () => {
      lastSecond = Math.max(Math.floor(Date.now() / 1000), lastSecond + 1);
      return signGetUserWithOciCommon({
        tenancyOcid,
        userOcid: user.id,
        fingerprint: user.key.fingerprint,
        privateKeyPem: user.key.privateKeyPem,
        date: new Date(lastSecond * 1000),
      });
    };
    const login = async (organizationSlug?: string) =>
      app.rest("POST", "/api/v1/auth/oci-auth/login", {
        body: { identityId, userOcid: user.id, headers: await sign(), ...(organizationSlug === undefined ? {} : { organizationSlug }) },
      });
    const lastReason = async () =>
      (
        (
          await app.db.auditEvent.findFirst({
            where: { eventType: "login-identity-oci-auth-failed", actorId: identityId },
            orderBy: { createdAt: "desc" },
          })
        )?.metadata as { reasonCode?: string }
      )?.reasonCode;

    beforeAll(async () => {
      oci = await startOciStandIn({
        users: [{ id: user.id, compartmentId: tenancyOcid, name: "ci", publicKeys: [user.key.publicKeyPem] }],
      });
      overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 2000 });
      identityId = await app.createIdentity(adminToken, orgId, "member", "slugged");
      const attach = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, { token: adminToken, body: { tenancyOcid } });
      expect(attach.status).toBe(200);
    });
    afterAll(() => oci.close());

    it("the identity's own slug, an empty one, or none: 200", async () => {
      for (const slug of ["acme", "", undefined]) {
        const res = await login(slug);
        expect(res.status).toBe(200);
        expect(res.body.tokenType).toBe("Bearer");
      }
    });

    it("an unknown slug: 404 (no token issued, audited)", async () => {
      const tokens = await app.db.identityAccessToken.count({ where: { identityId } });
      expectError(await login("no-such-org"), 404, "NotFound", messages.loginOrganizationNotFound("no-such-org"));
      expect(await lastReason()).toBe("organization_not_found");
      expect(await app.db.identityAccessToken.count({ where: { identityId } })).toBe(tokens);
    });

    it("another organization's slug: 403 (no token issued, audited)", async () => {
      const tokens = await app.db.identityAccessToken.count({ where: { identityId } });
      const res = await login(second.slug);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: "ForbiddenError", message: messages.loginOrganizationDenied(second.slug) });
      expect(await lastReason()).toBe("organization_not_allowed");
      expect(await app.db.identityAccessToken.count({ where: { identityId } })).toBe(tokens);
    });

    it("a renamed slug applies at once", async () => {
      await app.rest("PATCH", ORG(orgId), { token: ownerToken, body: { slug: "acme-main" } });
      expect((await login("acme")).status).toBe(404);
      expect((await login("acme-main")).status).toBe(200);
    });
  });
});
