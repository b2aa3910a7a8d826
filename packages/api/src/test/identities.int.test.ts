import { messages } from "@ociauth/schema";
import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import {
  expectError,
  expectIdentityShape,
  expectMembershipShape,
  expectRestIdentityShape,
  expectUnchanged,
  expectValidation,
  UNKNOWN_ID,
} from "./expect-helpers";
import { createTestApp, type TestApp, TENANCY } from "./harness";

const notFoundMessage = (id: string) => `Failed to find identity with ID ${id}`;
const DELETE_PROTECTED = "Cannot delete identity while delete protection is enabled";
const STORABLE = (label: string) => `${label} must not contain NUL characters or unpaired surrogates`;

describe("identities REST API (Infisical's shapes)", () => {
  let app: TestApp;
  let adminToken: string;
  let adminIdentityId: string;
  let orgId: string;
  let other: { orgId: string; token: string };
  let otherIdentityId: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, adminIdentityId, orgId } = await app.bootstrap());
    other = await app.otherOrganization();
    otherIdentityId = await app.createIdentity(other.token, other.orgId, "member", "other-org-workload");
  });
  afterAll(() => app.close());

  const get = (id: string) => app.rest("GET", `/api/v1/identities/${id}`, { token: adminToken });

  describe("POST /api/v1/identities", () => {
    it("creates an identity and returns exactly Infisical's created-identity keys", async () => {
      const res = await app.rest("POST", "/api/v1/identities", {
        token: adminToken,
        body: { name: "  ci-runner  ", organizationId: orgId, role: "viewer" },
      });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(["identity"]);
      const identity = res.body.identity;
      expectRestIdentityShape("created", identity);
      expect(identity).toMatchObject({ name: "ci-runner", orgId, authMethods: [], hasDeleteProtection: false, metadata: [] });
      expect(identity.createdAt).toBe(identity.updatedAt);

      const row = await app.db.identity.findUnique({ where: { id: identity.id } });
      expect(row).toMatchObject({ name: "ci-runner", orgId, role: "viewer", hasDeleteProtection: false, metadata: [] });
      expect(row!.createdAt.toISOString()).toBe(identity.createdAt);
    });

    it("accepts Infisical's orgId; the role defaults to no-access", async () => {
      const res = await app.rest("POST", "/api/v1/identities", { token: adminToken, body: { name: "via-orgid", orgId } });
      expect(res.status).toBe(200);
      expect(res.body.identity).toMatchObject({ name: "via-orgid", orgId });
      expect((await get(res.body.identity.id)).body.identity).toMatchObject({ orgId, role: "no-access" });
    });

    it("stores metadata and delete protection; GET and PATCH round-trip them", async () => {
      const res = await app.rest("POST", "/api/v1/identities", {
        token: adminToken,
        body: {
          name: "meta",
          orgId,
          role: "member",
          hasDeleteProtection: true,
          metadata: [
            { key: " team ", value: "platform" },
            { key: "env", value: "prod" },
          ],
        },
      });
      expect(res.status).toBe(200);
      const { id, metadata } = res.body.identity;
      expect(res.body.identity.hasDeleteProtection).toBe(true);
      expect(metadata).toEqual([
        { id: expect.stringMatching(/^[0-9a-f-]{36}$/), key: "team", value: "platform" },
        { id: expect.stringMatching(/^[0-9a-f-]{36}$/), key: "env", value: "prod" },
      ]);
      const read = await get(id);
      expect(read.body.identity.metadata).toEqual(metadata);
      expect(read.body.identity.identity.hasDeleteProtection).toBe(true);

      const patched = await app.rest("PATCH", `/api/v1/identities/${id}`, {
        token: adminToken,
        body: { metadata: [{ key: "env", value: "staging" }] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.identity.metadata).toEqual([{ id: expect.any(String), key: "env", value: "staging" }]);
      expect((await get(id)).body.identity.metadata).toEqual(patched.body.identity.metadata);
      const cleared = await app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { metadata: [] } });
      expect(cleared.body.identity.metadata).toEqual([]);
      expect(cleared.body.identity.hasDeleteProtection).toBe(true);
    });

    it.each([
      ["empty name", { name: "", role: "member" }, [{ path: ["name"], message: "Name cannot be empty" }]],
      ["whitespace name", { name: "   ", role: "member" }, [{ path: ["name"], message: "Name cannot be empty" }]],
      ["65-char name", { name: "x".repeat(65), role: "member" }, [{ path: ["name"], message: "Name must be at most 64 characters" }]],
      ["bad role", { name: "w", role: "owner" }, [{ path: ["role"], message: "Role must be one of admin, member, viewer, no-access" }]],
      ["NUL in the name", { name: "a\u0000b" }, [{ path: ["name"], message: STORABLE("Name") }]],
      ["a lone surrogate in the name", { name: "a\uD800b" }, [{ path: ["name"], message: STORABLE("Name") }]],
      [
        "NUL in a metadata key",
        { name: "w", metadata: [{ key: "k\u0000", value: "v" }] },
        [{ path: ["metadata", 0, "key"], message: STORABLE("Metadata key") }],
      ],
      [
        "a lone surrogate in a metadata value",
        { name: "w", metadata: [{ key: "k", value: "\uDC00" }] },
        [{ path: ["metadata", 0, "value"], message: STORABLE("Metadata value") }],
      ],
      [
        "a duplicate metadata key",
        {
          name: "w",
          metadata: [
            { key: "k", value: "1" },
            { key: "k", value: "2" },
          ],
        },
        [{ path: ["metadata", 1, "key"], message: 'Metadata key "k" is used more than once' }],
      ],
      [
        "a 1021-char metadata value",
        { name: "w", metadata: [{ key: "k", value: "v".repeat(1021) }] },
        [{ path: ["metadata", 0, "value"], message: "Metadata value must be at most 1020 characters" }],
      ],
      [
        "a non-boolean hasDeleteProtection",
        { name: "w", hasDeleteProtection: "yes" },
        [{ path: ["hasDeleteProtection"], message: "hasDeleteProtection must be true or false" }],
      ],
    ])("422 for %s", async (_label, partial, issues) => {
      const res = await expectUnchanged(app, () =>
        app.rest("POST", "/api/v1/identities", { token: adminToken, body: { organizationId: orgId, ...partial } }),
      );
      expectValidation(res, issues);
    });

    it("422 unless exactly one of organizationId / orgId is given", async () => {
      const none = await expectUnchanged(app, () => app.rest("POST", "/api/v1/identities", { token: adminToken, body: { name: "w" } }));
      expectValidation(none, [{ path: ["organizationId"], message: "organizationId (or orgId) is required" }]);
      const both = await expectUnchanged(app, () =>
        app.rest("POST", "/api/v1/identities", { token: adminToken, body: { name: "w", orgId, organizationId: orgId } }),
      );
      expectValidation(both, [{ path: ["orgId"], message: "Give either orgId or organizationId, not both" }]);
    });

    it("422 for a non-UUID organizationId or orgId", async () => {
      for (const field of ["organizationId", "orgId"]) {
        const res = await expectUnchanged(app, () =>
          app.rest("POST", "/api/v1/identities", { token: adminToken, body: { name: "w", [field]: "acme", role: "member" } }),
        );
        expectValidation(res, [{ path: [field], message: `${field} must be a UUID` }]);
      }
    });

    it("422 for unknown fields", async () => {
      const res = await expectUnchanged(app, () =>
        app.rest("POST", "/api/v1/identities", {
          token: adminToken,
          body: { name: "w", organizationId: orgId, role: "member", isAdmin: true },
        }),
      );
      expectValidation(res, [{ path: [], message: 'Unrecognized key: "isAdmin"', code: "unrecognized_keys" }]);
    });

    it("400 for malformed JSON, never a 500", async () => {
      const res = await expectUnchanged(app, () => app.rest("POST", "/api/v1/identities", { token: adminToken, rawBody: '{"name": "w",' }));
      expectError(res, 400, "BadRequest", "Malformed JSON in request body");
    });

    it("404 for an organization the actor is not a member of (also for an unknown one)", async () => {
      for (const target of [other.orgId, UNKNOWN_ID]) {
        const res = await expectUnchanged(app, () =>
          app.rest("POST", "/api/v1/identities", { token: adminToken, body: { name: "w", orgId: target, role: "member" } }),
        );
        expectError(res, 404, "NotFound", `Failed to find organization with ID ${target}`);
      }
    });
  });

  describe("GET /api/v1/identities (list) and POST /api/v1/identities/search", () => {
    let listOrg: { orgId: string; token: string };
    const names = ["alpha-1", "alpha-2", "beta-1", "ALPHA-3", "gamma_1"];
    const roles = ["member", "viewer", "member", "admin", "no-access"] as const;
    let ids: string[];

    beforeAll(async () => {
      listOrg = await app.otherOrganization("List Org");
      ids = [];
      for (const [i, name] of names.entries()) ids.push(await app.createIdentity(listOrg.token, listOrg.orgId, roles[i], name));
    });

    const list = (query: string, token = listOrg.token) => app.rest("GET", `/api/v1/identities?${query}`, { token });
    const search = (body: unknown, token = listOrg.token) => app.rest("POST", "/api/v1/identities/search", { token, body });
    const namesOf = (res: { body: { identities: { identity: { name: string } }[] } }) => res.body.identities.map((m) => m.identity.name);

    it("lists the organization's identities as memberships with totalCount, newest first", async () => {
      const res = await list(`organizationId=${listOrg.orgId}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(["identities", "nextOffset", "totalCount", "truncated"]);
      expect(res.body.totalCount).toBe(5);
      expect(res.body.identities.map((m: { id: string }) => m.id).sort()).toEqual([...ids].sort());
      for (const membership of res.body.identities) {
        expectMembershipShape(membership);
        expect(membership.orgId).toBe(listOrg.orgId);
      }
      const created = res.body.identities.map((m: { createdAt: string }) => m.createdAt);
      expect([...created].sort().reverse()).toEqual(created);
      expect(res.body.identities.find((m: { id: string }) => m.id === ids[3])).toMatchObject({
        role: "admin",
        customRole: null,
        metadata: [],
        lastLoginAuthMethod: null,
        lastLoginTime: null,
        identity: { id: ids[3], name: "ALPHA-3", authMethods: [], hasDeleteProtection: false },
      });
    });

    it("accepts Infisical's orgId= like organizationId=, not both", async () => {
      expect((await list(`orgId=${listOrg.orgId}`)).body).toEqual((await list(`organizationId=${listOrg.orgId}`)).body);
      expectValidation(await list(`orgId=${listOrg.orgId}&organizationId=${listOrg.orgId}`), [
        { path: ["orgId"], message: "Give either orgId or organizationId, not both" },
      ]);
    });

    it("defaults to the actor's organization", async () => {
      const res = await list("");
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(5);
    });

    it("paginates with limit/offset: pages are disjoint and cover the list, totalCount stays the full count", async () => {
      const seen: string[] = [];
      for (const offset of [0, 2, 4]) {
        const res = await list(`limit=2&offset=${offset}`);
        expect(res.status).toBe(200);
        expect(res.body.totalCount).toBe(5);
        expect(res.body.identities).toHaveLength(offset === 4 ? 1 : 2);
        expect(res.body).toMatchObject({ nextOffset: offset === 4 ? null : offset + 2, truncated: false });
        seen.push(...res.body.identities.map((m: { id: string }) => m.id));
      }
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual([...ids].sort());
      const past = await list("limit=2&offset=10");
      expect(past.status).toBe(200);
      expect(past.body).toEqual({ identities: [], totalCount: 5, nextOffset: null, truncated: false });
    });

    it("searches names case-insensitively; totalCount counts the matches", async () => {
      const res = await list("search=alpha&limit=2");
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(3);
      expect(res.body.identities).toHaveLength(2);
      expect(namesOf(await list("search=ALPHA")).sort()).toEqual(["ALPHA-3", "alpha-1", "alpha-2"]);
      expect((await list("search=zzz")).body).toEqual({ identities: [], totalCount: 0, nextOffset: null, truncated: false });
    });

    it("treats LIKE wildcards in search literally", async () => {
      const underscore = await list("search=_");
      expect(underscore.status).toBe(200);
      expect(namesOf(underscore)).toEqual(["gamma_1"]);
      expect((await list("search=%25")).body).toEqual({ identities: [], totalCount: 0, nextOffset: null, truncated: false });
    });

    it("422 (never a 500) for a NUL in search", async () => {
      expectValidation(await list("search=%00"), [{ path: ["search"], message: STORABLE("Search") }]);
      expectValidation(await list("search=a%00b"), [{ path: ["search"], message: STORABLE("Search") }]);
    });

    it("never lists another organization's identities", async () => {
      const mine = await app.rest("GET", "/api/v1/identities?limit=100", { token: adminToken });
      expect(mine.status).toBe(200);
      const orgIds = new Set(mine.body.identities.map((m: { orgId: string }) => m.orgId));
      expect([...orgIds]).toEqual([orgId]);
      expect(mine.body.identities.map((m: { id: string }) => m.id)).not.toContain(otherIdentityId);
      for (const id of ids) expect(mine.body.identities.map((m: { id: string }) => m.id)).not.toContain(id);

      expectError(
        await list(`organizationId=${listOrg.orgId}`, adminToken),
        404,
        "NotFound",
        `Failed to find organization with ID ${listOrg.orgId}`,
      );
      expectError(
        await search({ orgId: listOrg.orgId }, adminToken),
        404,
        "NotFound",
        `Failed to find organization with ID ${listOrg.orgId}`,
      );
    });

    it.each([
      ["limit=0", [{ path: ["limit"], message: "limit must be 1 or more" }]],
      ["limit=101", [{ path: ["limit"], message: "limit must be at most 100" }]],
      ["offset=-1", [{ path: ["offset"], message: "offset must be 0 or more" }]],
      ["organizationId=nope", [{ path: ["organizationId"], message: "organizationId must be a UUID" }]],
      ["orgId=nope", [{ path: ["orgId"], message: "orgId must be a UUID" }]],
      ["color=red", [{ path: [], message: 'Unrecognized key: "color"' }]],
    ])("422 for ?%s", async (query, issues) => {
      expectValidation(await list(query), issues);
    });

    it("search: Infisical's body; by default every identity, ordered by name ascending, as memberships", async () => {
      const res = await search({});
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(["identities", "nextOffset", "totalCount", "truncated"]);
      expect(res.body.totalCount).toBe(5);
      for (const membership of res.body.identities) expectMembershipShape(membership);
      const lower = await search({ search: { name: { $in: ["alpha-1", "alpha-2", "beta-1", "gamma_1"] } } });
      expect(namesOf(lower)).toEqual(["alpha-1", "alpha-2", "beta-1", "gamma_1"]);
      const desc = await search({ search: { name: { $in: ["alpha-1", "beta-1", "gamma_1"] } }, orderBy: "name", orderDirection: "desc" });
      expect(namesOf(desc)).toEqual(["gamma_1", "beta-1", "alpha-1"]);
      expect((await search({ orgId: listOrg.orgId })).body).toEqual(res.body);
    });

    it("search: name $contains (case-insensitive, literal wildcards), $eq or a plain string (exact), role, $or, order by role, pages", async () => {
      expect(namesOf(await search({ search: { name: { $contains: "ALPHA" } } })).sort()).toEqual(["ALPHA-3", "alpha-1", "alpha-2"]);
      expect(namesOf(await search({ search: { name: { $contains: "_" } } }))).toEqual(["gamma_1"]);
      expect(namesOf(await search({ search: { name: "alpha-1" } }))).toEqual(["alpha-1"]);
      expect(namesOf(await search({ search: { name: { $eq: "ALPHA-1" } } }))).toEqual([]);
      expect(namesOf(await search({ search: { role: "member" } }))).toEqual(["alpha-1", "beta-1"]);
      expect(namesOf(await search({ search: { name: { $contains: "alpha" }, role: { $in: ["viewer", "admin"] } } })).sort()).toEqual([
        "ALPHA-3",
        "alpha-2",
      ]);
      expect(namesOf(await search({ search: { $or: [{ name: "beta-1" }, { role: { $eq: "no-access" } }] } }))).toEqual([
        "beta-1",
        "gamma_1",
      ]);
      const byRole = await search({ orderBy: "role", orderDirection: "asc" });
      expect(byRole.body.identities.map((m: { role: string }) => m.role)).toEqual(["admin", "member", "member", "no-access", "viewer"]);
      const page = await search({ search: { name: { $contains: "a" } }, limit: 2, offset: 2 });
      expect(page.body.totalCount).toBe(5);
      expect(page.body.identities).toHaveLength(2);
    });

    it("search: 422 for text PostgreSQL cannot store, unknown operators and bad pages; 401 without a token", async () => {
      expectValidation(await search({ search: { name: { $contains: "\u0000" } } }), [
        { path: ["search", "name", "$contains"], message: STORABLE("Name $contains") },
      ]);
      expectValidation(await search({ search: { name: "\uD800" } }), [{ path: ["search", "name"], message: STORABLE("Name") }]);
      expectValidation(await search({ search: { name: { $neq: "x" } } }), [
        { path: ["search", "name"], message: 'Unrecognized key: "$neq"' },
      ]);
      expectValidation(await search({ orderBy: "createdAt" }), [{ path: ["orderBy"], message: "orderBy must be name or role" }]);
      expectValidation(await search({ limit: 101 }), [{ path: ["limit"], message: "limit must be at most 100" }]);
      expectError(await app.rest("POST", "/api/v1/identities/search", { body: {} }), 401, "UnauthorizedError", "Token missing");
    });
  });

  describe("GET/PATCH/DELETE /api/v1/identities/{id}", () => {
    let id: string;
    beforeAll(async () => {
      id = await app.createIdentity(adminToken, orgId, "member", "item");
    });

    it("GET returns Infisical's membership shape, exactly", async () => {
      const res = await get(id);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(["identity"]);
      expectMembershipShape(res.body.identity);
      const row = await app.db.identity.findUniqueOrThrow({ where: { id } });
      expect(res.body.identity).toEqual({
        id,
        orgId,
        role: "member",
        customRole: null,
        metadata: [],
        lastLoginAuthMethod: null,
        lastLoginTime: null,
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
        identity: { id, name: "item", authMethods: [], hasDeleteProtection: false },
      });
    });

    it("404 with the same message for an unknown id and another organization's id", async () => {
      for (const target of [UNKNOWN_ID, otherIdentityId]) {
        for (const method of ["GET", "PATCH", "DELETE"]) {
          const res = await expectUnchanged(app, () =>
            app.rest(method, `/api/v1/identities/${target}`, { token: adminToken, body: method === "PATCH" ? { name: "x" } : undefined }),
          );
          expectError(res, 404, "NotFound", notFoundMessage(target));
        }
      }
      const row = await app.db.identity.findUnique({ where: { id: otherIdentityId } });
      expect(row).toMatchObject({ name: "other-org-workload", role: "member" });
    });

    it("404 for a non-UUID id, as for a missing identity (Terraform's import: No identity found)", async () => {
      for (const method of ["GET", "PATCH", "DELETE"]) {
        const res = await expectUnchanged(app, () =>
          app.rest(method, "/api/v1/identities/not-a-uuid", { token: adminToken, body: method === "PATCH" ? { name: "x" } : undefined }),
        );
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ error: "NotFound", message: messages.identityNotFound("not-a-uuid") });
      }
    });

    it("PATCH updates name and role; omitted fields stay; updatedAt moves; Infisical's update shape", async () => {
      const before = (await get(id)).body.identity;
      await new Promise((r) => setTimeout(r, 5));
      const res = await app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { name: " renamed " } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(["identity"]);
      expectRestIdentityShape("updated", res.body.identity);
      expect(res.body.identity).toMatchObject({
        id,
        name: "renamed",
        orgId,
        hasDeleteProtection: false,
        metadata: [],
        createdAt: before.createdAt,
      });
      expect(res.body.identity.updatedAt > before.updatedAt).toBe(true);

      const role = await app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { role: "viewer" } });
      expect(role.status).toBe(200);
      expect(role.body.identity).toMatchObject({ name: "renamed" });
      expect((await get(id)).body.identity).toMatchObject({ role: "viewer", identity: { name: "renamed" } });
      expect(await app.db.identity.findUnique({ where: { id } })).toMatchObject({ name: "renamed", role: "viewer" });
    });

    it("PATCH is audited with the fields that really changed", async () => {
      const res = await app.rest("PATCH", `/api/v1/identities/${id}`, {
        token: adminToken,
        body: { name: "renamed", role: "member", hasDeleteProtection: false, metadata: [{ key: "a", value: "b" }] },
      });
      expect(res.status).toBe(200);
      const event = await app.db.auditEvent.findFirstOrThrow({
        where: { eventType: "update-identity" },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      expect(event.metadata).toEqual({
        identityId: id,
        name: "renamed",
        changedFields: ["role", "metadata"],
        role: "member",
        metadata: [{ key: "a", value: "b" }],
        before: { role: "viewer", metadata: [] },
        after: { role: "member", metadata: [{ key: "a", value: "b" }] },
      });
    });

    it.each([
      ["empty name", { name: "" }, [{ path: ["name"], message: "Name cannot be empty" }]],
      ["bad role", { role: "root" }, [{ path: ["role"], message: "Role must be one of admin, member, viewer, no-access" }]],
      ["unknown field", { organizationId: UNKNOWN_ID }, [{ path: [], message: 'Unrecognized key: "organizationId"' }]],
      ["NUL in the name", { name: "\u0000" }, [{ path: ["name"], message: STORABLE("Name") }]],
      [
        "a lone surrogate in a metadata key",
        { metadata: [{ key: "\uDBFF", value: "v" }] },
        [{ path: ["metadata", 0, "key"], message: STORABLE("Metadata key") }],
      ],
      [
        "51 metadata pairs",
        { metadata: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: "v" })) },
        [{ path: ["metadata"], message: "Metadata can have at most 50 entries" }],
      ],
    ])("PATCH 422 for %s", async (_label, body, issues) => {
      const res = await expectUnchanged(app, () => app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body }));
      expectValidation(res, issues);
    });

    it("authMethods includes oci-auth once OCI auth is attached, and not after it is revoked", async () => {
      const attach = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, {
        token: adminToken,
        body: { tenancyOcid: TENANCY },
      });
      expect(attach.status).toBe(200);
      expect((await get(id)).body.identity.identity.authMethods).toEqual(["oci-auth"]);
      const listed = await app.rest("GET", "/api/v1/identities?limit=100", { token: adminToken });
      expect(listed.body.identities.find((m: { id: string }) => m.id === id).identity.authMethods).toEqual(["oci-auth"]);

      const revoke = await app.rest("DELETE", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken });
      expect(revoke.status).toBe(200);
      expect((await get(id)).body.identity.identity.authMethods).toEqual([]);
    });

    it("DELETE returns the deleted identity (Infisical's identity row) and cascades to its OCI auth config and tokens", async () => {
      const victim = await app.createIdentity(adminToken, orgId, "member", "victim");
      const attach = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${victim}`, {
        token: adminToken,
        body: { tenancyOcid: TENANCY },
      });
      expect(attach.status).toBe(200);
      await app.db.identityAccessToken.create({
        data: { identityId: victim, authMethod: "oci-auth", accessTokenTTL: 60, accessTokenMaxTTL: 60 },
      });
      expect(await app.db.identityOciAuth.count({ where: { identityId: victim } })).toBe(1);

      const res = await app.rest("DELETE", `/api/v1/identities/${victim}`, { token: adminToken });
      expect(res.status).toBe(200);
      expectRestIdentityShape("deleted", res.body.identity);
      expect(res.body.identity).toMatchObject({ id: victim, name: "victim", orgId, hasDeleteProtection: false });

      expect(await app.db.identity.findUnique({ where: { id: victim } })).toBeNull();
      expect(await app.db.identityOciAuth.count({ where: { identityId: victim } })).toBe(0);
      expect(await app.db.identityAccessToken.count({ where: { identityId: victim } })).toBe(0);
      expectError(await get(victim), 404, "NotFound", notFoundMessage(victim));
      const again = await expectUnchanged(app, () => app.rest("DELETE", `/api/v1/identities/${victim}`, { token: adminToken }));
      expectError(again, 404, "NotFound", notFoundMessage(victim));
    });
  });

  describe("delete protection", () => {
    it("DELETE is refused (400, Infisical's message) while protection is on, and allowed after PATCH turns it off", async () => {
      const created = await app.rest("POST", "/api/v1/identities", {
        token: adminToken,
        body: { name: "guarded", orgId, role: "member", hasDeleteProtection: true },
      });
      const id = created.body.identity.id;
      const refused = await expectUnchanged(app, () => app.rest("DELETE", `/api/v1/identities/${id}`, { token: adminToken }));
      expectError(refused, 400, "BadRequest", DELETE_PROTECTED);
      await expect(app.caller(adminToken).identities.delete({ identityId: id })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: DELETE_PROTECTED,
      });
      expect(await app.db.identity.count({ where: { id } })).toBe(1);

      const off = await app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { hasDeleteProtection: false } });
      expect(off.status).toBe(200);
      expect(off.body.identity.hasDeleteProtection).toBe(false);
      const event = await app.db.auditEvent.findFirstOrThrow({
        where: { eventType: "update-identity" },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      expect(event.metadata).toMatchObject({ identityId: id, changedFields: ["hasDeleteProtection"], hasDeleteProtection: false });

      const deleted = await app.rest("DELETE", `/api/v1/identities/${id}`, { token: adminToken });
      expect(deleted.status).toBe(200);
      expect(await app.db.identity.count({ where: { id } })).toBe(0);
    });

    it("protection can be turned on later; members (edit rights) may toggle it, only admins delete", async () => {
      const id = await app.createIdentity(adminToken, orgId, "member", "later");
      const on = await app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { hasDeleteProtection: true } });
      expect(on.body.identity.hasDeleteProtection).toBe(true);
      expectError(await app.rest("DELETE", `/api/v1/identities/${id}`, { token: adminToken }), 400, "BadRequest", DELETE_PROTECTED);
      const member = await app.userWithRole(orgId, "member");
      expect((await app.rest("PATCH", `/api/v1/identities/${id}`, { token: member, body: { hasDeleteProtection: false } })).status).toBe(
        200,
      );
      expect((await app.rest("DELETE", `/api/v1/identities/${id}`, { token: adminToken })).status).toBe(200);
    });

    it("the admin identity made by the bootstrap is protected", async () => {
      const res = await get(adminIdentityId);
      expect(res.body.identity).toMatchObject({ role: "admin", identity: { name: "admin", hasDeleteProtection: true } });
      const refused = await expectUnchanged(app, () => app.rest("DELETE", `/api/v1/identities/${adminIdentityId}`, { token: adminToken }));
      expectError(refused, 400, "BadRequest", DELETE_PROTECTED);
    });
  });

  describe("last login", () => {
    let oci: OciStandIn;
    const tenancyOcid = createTestOcid("tenancy");
    const user = { id: createTestOcid("user"), key: createTestApiKey() };

    beforeAll(async () => {
      oci = await startOciStandIn({
        users: [{ id: user.id, compartmentId: tenancyOcid, name: "deployer", publicKeys: [user.key.publicKeyPem] }],
      });
      overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 2000 });
    });
    afterAll(() => oci.close());

    it("lastLoginAuthMethod / lastLoginTime are set by each successful OCI login (not by a refused one)", async () => {
      const id = await app.createIdentity(adminToken, orgId, "member", "logs-in");
      expect(
        (
          await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, {
            token: adminToken,
            body: { tenancyOcid, allowedUsernames: "deployer" },
          })
        ).status,
      ).toBe(200);
      const before = (await get(id)).body.identity;
      expect(before).toMatchObject({ lastLoginAuthMethod: null, lastLoginTime: null });

      // Each login signs its own second: one signed header set logs in once.
      let signed = 0;
      const login = async () =>
        app.rest("POST", "/api/v1/auth/oci-auth/login", {
          body: {
            identityId: id,
            userOcid: user.id,
            headers: await signGetUserWithOciCommon({
              tenancyOcid,
              userOcid: user.id,
              fingerprint: user.key.fingerprint,
              privateKeyPem: user.key.privateKeyPem,
              date: new Date(Date.now() - 30_000 + signed++ * 1000),
            }),
          },
        });
      const start = Date.now();
      expect((await login()).status).toBe(200);
      const first = (await get(id)).body.identity;
      expect(first.lastLoginAuthMethod).toBe("oci-auth");
      expect(Date.parse(first.lastLoginTime)).toBeGreaterThanOrEqual(start - 1000);
      expect(Date.parse(first.lastLoginTime)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(first.updatedAt).toBe(before.updatedAt); // a login is not an edit

      await new Promise((r) => setTimeout(r, 20));
      expect((await login()).status).toBe(200);
      const second = (await get(id)).body.identity;
      expect(second.lastLoginTime > first.lastLoginTime).toBe(true);

      // A refused login (user not allowed) leaves it as it was.
      await app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { allowedUsernames: "someone-else" } });
      expect((await login()).status).toBe(401);
      expect((await get(id)).body.identity.lastLoginTime).toBe(second.lastLoginTime);

      const listed = await app.rest("GET", "/api/v1/identities?search=logs-in", { token: adminToken });
      expect(listed.body.identities[0]).toMatchObject({ lastLoginAuthMethod: "oci-auth", lastLoginTime: second.lastLoginTime });
      expect((await app.caller(adminToken).identities.get({ identityId: id })).identity).toMatchObject({
        lastLoginAuthMethod: "oci-auth",
        lastLoginTime: second.lastLoginTime,
      });
    });
  });

  it("tRPC keeps our flat shape (plus the new fields), with the same defaults and rules", async () => {
    const api = app.caller(adminToken);
    const { identity } = await api.identities.create({ name: "flat", organizationId: orgId });
    expectIdentityShape(identity);
    expect(identity).toMatchObject({
      name: "flat",
      organizationId: orgId,
      role: "no-access",
      authMethods: [],
      hasDeleteProtection: false,
      metadata: [],
      lastLoginAuthMethod: null,
      lastLoginTime: null,
    });
    const updated = await api.identities.update({
      identityId: identity.id,
      hasDeleteProtection: true,
      metadata: [{ key: "k", value: "v" }],
    });
    expectIdentityShape(updated.identity);
    expect(updated.identity).toMatchObject({ hasDeleteProtection: true, metadata: [{ key: "k", value: "v" }] });
    expect((await api.identities.list({ organizationId: orgId, search: "flat" })).identities).toEqual([updated.identity]);
    await expect(api.identities.create({ name: "x\u0000", organizationId: orgId })).rejects.toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
    });
  });

  it("an update or attach racing a delete is 200 or 404, never a 500", async () => {
    // An identity deleted between the permission check and the write is an unknown entity (404);
    // 500 is only for the unexpected. (Reproduces on PostgreSQL; PGlite serialises requests.)
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = await app.createIdentity(adminToken, orgId, "member", `race-${i}`);
      const [patch, del, attach] = await Promise.all([
        app.rest("PATCH", `/api/v1/identities/${id}`, { token: adminToken, body: { name: "raced" } }),
        app.rest("DELETE", `/api/v1/identities/${id}`, { token: adminToken }),
        app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid: TENANCY } }),
      ]);
      expect(del.status).toBe(200);
      for (const res of [patch, attach]) {
        outcomes.push(`${res.status}`);
        if (res.status !== 200) expectError(res, 404, "NotFound", notFoundMessage(id));
      }
      expect(await app.db.identity.count({ where: { id } })).toBe(0);
      expect(await app.db.identityOciAuth.count({ where: { identityId: id } })).toBe(0);
    }
    expect(outcomes.every((s) => s === "200" || s === "404")).toBe(true);
  });

  it("unknown routes are a 404 envelope", async () => {
    const res = await app.rest("GET", "/api/v1/identities/a/b", { token: adminToken });
    expectError(res, 404, "NotFound", "Route GET:/api/v1/identities/a/b not found");
  });
});
