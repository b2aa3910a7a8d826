import { describe, expect, it } from "vitest";
import {
  createIdentityBodySchema,
  identityListResponseSchema,
  identityResponseSchema,
  identitySchema,
  listIdentitiesQuerySchema,
  updateIdentityBodySchema,
  updateIdentityInputSchema,
} from "./identities";
import { fail, ok, rawIssues } from "./test-helpers";

const ORG_ID = "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8f";
const IDENTITY_ID = "3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f";
const ROLE_MESSAGE = "Role must be one of admin, member, viewer, no-access";

describe("createIdentityBodySchema", () => {
  it("accepts a valid body and trims the name", () => {
    expect(ok(createIdentityBodySchema, { name: "  ci-runner  ", organizationId: ORG_ID, role: "member" })).toEqual({
      name: "ci-runner",
      organizationId: ORG_ID,
      role: "member",
    });
  });

  it.each(["admin", "member", "viewer", "no-access"])("accepts role %s", (role) => {
    expect(ok(createIdentityBodySchema, { name: "x", organizationId: ORG_ID, role }).role).toBe(role);
  });

  it.each(["owner", "Admin", "", "noaccess", null])("rejects role %j with the role message", (role) => {
    expect(fail(createIdentityBodySchema, { name: "x", organizationId: ORG_ID, role })).toEqual([{ path: ["role"], message: ROLE_MESSAGE }]);
  });

  it("name: 1 and 64 characters ok, empty/whitespace and 65 fail", () => {
    expect(ok(createIdentityBodySchema, { name: "a", organizationId: ORG_ID, role: "admin" }).name).toBe("a");
    expect(ok(createIdentityBodySchema, { name: "n".repeat(64), organizationId: ORG_ID, role: "admin" }).name).toBe("n".repeat(64));
    expect(ok(createIdentityBodySchema, { name: ` ${"n".repeat(64)} `, organizationId: ORG_ID, role: "admin" }).name).toHaveLength(64);
    for (const name of ["", "   "]) {
      expect(fail(createIdentityBodySchema, { name, organizationId: ORG_ID, role: "admin" })).toEqual([
        { path: ["name"], message: "Name cannot be empty" },
      ]);
    }
    expect(fail(createIdentityBodySchema, { name: "n".repeat(65), organizationId: ORG_ID, role: "admin" })).toEqual([
      { path: ["name"], message: "Name must be at most 64 characters" },
    ]);
  });

  it("organizationId must be a UUID", () => {
    for (const organizationId of ["org", "", "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8", "6c1f0a528b3e4d7a9f210e4b5c6d7e8f", 1]) {
      const issues = rawIssues(createIdentityBodySchema, { name: "x", organizationId, role: "admin" });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toEqual(["organizationId"]);
    }
    expect(fail(createIdentityBodySchema, { name: "x", organizationId: "org", role: "admin" })).toEqual([
      { path: ["organizationId"], message: "organizationId must be a UUID" },
    ]);
  });

  it("accepts any 8-4-4-4-12 hex id (nil UUID, upper case)", () => {
    for (const organizationId of ["00000000-0000-0000-0000-000000000000", ORG_ID.toUpperCase()]) {
      expect(ok(createIdentityBodySchema, { name: "x", organizationId, role: "admin" }).organizationId).toBe(organizationId);
    }
  });

  it("requires every field and is strict", () => {
    expect(rawIssues(createIdentityBodySchema, {}).map((i) => i.path)).toEqual([["name"], ["organizationId"], ["role"]]);
    expect(rawIssues(createIdentityBodySchema, { name: "x", organizationId: ORG_ID, role: "admin", authMethods: [] })).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["authMethods"] }),
    ]);
  });
});

describe("updateIdentityBodySchema / updateIdentityInputSchema", () => {
  it("{} is ok and stays {}", () => {
    expect(ok(updateIdentityBodySchema, {})).toEqual({});
  });

  it("each field is optional and validated", () => {
    expect(ok(updateIdentityBodySchema, { name: " renamed " })).toEqual({ name: "renamed" });
    expect(ok(updateIdentityBodySchema, { role: "viewer" })).toEqual({ role: "viewer" });
    expect(fail(updateIdentityBodySchema, { name: " " })).toEqual([{ path: ["name"], message: "Name cannot be empty" }]);
    expect(fail(updateIdentityBodySchema, { role: "root" })).toEqual([{ path: ["role"], message: ROLE_MESSAGE }]);
  });

  it("is strict (organizationId cannot be moved)", () => {
    expect(rawIssues(updateIdentityBodySchema, { organizationId: ORG_ID })[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["organizationId"],
    });
  });

  it("tRPC input requires a UUID identityId", () => {
    expect(ok(updateIdentityInputSchema, { identityId: IDENTITY_ID })).toEqual({ identityId: IDENTITY_ID });
    expect(ok(updateIdentityInputSchema, { identityId: IDENTITY_ID, name: "a" })).toEqual({ identityId: IDENTITY_ID, name: "a" });
    expect(fail(updateIdentityInputSchema, { identityId: "x" })).toEqual([{ path: ["identityId"], message: "identityId must be a UUID" }]);
    expect(rawIssues(updateIdentityInputSchema, {})[0]).toMatchObject({ code: "invalid_type", path: ["identityId"] });
  });
});

describe("listIdentitiesQuerySchema", () => {
  it("defaults limit 50 and offset 0", () => {
    expect(ok(listIdentitiesQuerySchema, {})).toEqual({ limit: 50, offset: 0 });
  });

  it("coerces numeric query strings", () => {
    expect(ok(listIdentitiesQuerySchema, { limit: "10", offset: "20" })).toEqual({ limit: 10, offset: 20 });
    expect(ok(listIdentitiesQuerySchema, { limit: 10, offset: 20 })).toEqual({ limit: 10, offset: 20 });
    expect(ok(listIdentitiesQuerySchema, { offset: " 5 " })).toEqual({ limit: 50, offset: 5 });
  });

  it("limit bounds: 1 and 100 ok, 0 and 101 fail", () => {
    expect(ok(listIdentitiesQuerySchema, { limit: "1" }).limit).toBe(1);
    expect(ok(listIdentitiesQuerySchema, { limit: "100" }).limit).toBe(100);
    expect(fail(listIdentitiesQuerySchema, { limit: "0" })).toEqual([{ path: ["limit"], message: "Too small: expected number to be >=1" }]);
    expect(fail(listIdentitiesQuerySchema, { limit: "101" })).toEqual([{ path: ["limit"], message: "Too big: expected number to be <=100" }]);
  });

  it("offset bounds: 0 and 1000000 ok, -1 and 1000001 fail", () => {
    expect(ok(listIdentitiesQuerySchema, { offset: "0" }).offset).toBe(0);
    expect(ok(listIdentitiesQuerySchema, { offset: "1000000" }).offset).toBe(1_000_000);
    expect(fail(listIdentitiesQuerySchema, { offset: "-1" })).toEqual([{ path: ["offset"], message: "Too small: expected number to be >=0" }]);
    expect(fail(listIdentitiesQuerySchema, { offset: "1000001" })).toEqual([
      { path: ["offset"], message: "Too big: expected number to be <=1000000" },
    ]);
  });

  it("rejects non-numeric and non-integer values", () => {
    expect(rawIssues(listIdentitiesQuerySchema, { limit: "abc" })[0]).toMatchObject({ code: "invalid_type", path: ["limit"] });
    expect(rawIssues(listIdentitiesQuerySchema, { limit: "1.5" })[0]).toMatchObject({ code: "invalid_type", path: ["limit"] });
    expect(rawIssues(listIdentitiesQuerySchema, { offset: "Infinity" })[0]).toMatchObject({ path: ["offset"] });
    expect(rawIssues(listIdentitiesQuerySchema, { limit: ["1", "2"] })[0]).toMatchObject({ path: ["limit"] });
  });

  it("Number() coercion quirks: '' and null become 0, hex and exponent strings are accepted", () => {
    expect(ok(listIdentitiesQuerySchema, { offset: "" }).offset).toBe(0);
    expect(ok(listIdentitiesQuerySchema, { offset: null }).offset).toBe(0);
    expect(rawIssues(listIdentitiesQuerySchema, { limit: "" })[0]).toMatchObject({ code: "too_small", path: ["limit"] });
    expect(ok(listIdentitiesQuerySchema, { limit: "0x10", offset: "1e2" })).toEqual({ limit: 16, offset: 100 });
  });

  it("search is trimmed and capped at 64", () => {
    expect(ok(listIdentitiesQuerySchema, { search: "  ci  " })).toEqual({ search: "ci", limit: 50, offset: 0 });
    expect(ok(listIdentitiesQuerySchema, { search: "s".repeat(64) }).search).toHaveLength(64);
    expect(rawIssues(listIdentitiesQuerySchema, { search: "s".repeat(65) })[0]).toMatchObject({ code: "too_big", path: ["search"] });
  });

  it("organizationId is an optional UUID", () => {
    expect(ok(listIdentitiesQuerySchema, { organizationId: ORG_ID }).organizationId).toBe(ORG_ID);
    expect(fail(listIdentitiesQuerySchema, { organizationId: "x" })).toEqual([
      { path: ["organizationId"], message: "organizationId must be a UUID" },
    ]);
  });

  it("rejects unknown query parameters", () => {
    expect(rawIssues(listIdentitiesQuerySchema, { page: "1" })).toEqual([expect.objectContaining({ code: "unrecognized_keys", keys: ["page"] })]);
  });
});

describe("identity response schemas", () => {
  const identity = {
    id: IDENTITY_ID,
    name: "ci",
    organizationId: ORG_ID,
    role: "member",
    authMethods: ["oci-auth", "token"],
    createdAt: "2024-05-01T12:00:00.000Z",
    updatedAt: "2024-05-01T12:00:00Z",
  };

  it("accepts a valid identity, wrapped and listed", () => {
    expect(ok(identitySchema, identity)).toEqual(identity);
    expect(ok(identityResponseSchema, { identity })).toEqual({ identity });
    expect(ok(identityListResponseSchema, { identities: [identity], totalCount: 1 })).toEqual({ identities: [identity], totalCount: 1 });
  });

  it("rejects unknown auth methods and extra keys", () => {
    expect(rawIssues(identitySchema, { ...identity, authMethods: ["password"] })[0]?.path).toEqual(["authMethods", 0]);
    expect(rawIssues(identitySchema, { ...identity, secret: "x" })[0]?.code).toBe("unrecognized_keys");
    expect(rawIssues(identityListResponseSchema, { identities: [], totalCount: 1.5 })[0]?.path).toEqual(["totalCount"]);
  });
});
