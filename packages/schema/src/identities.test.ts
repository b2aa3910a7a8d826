import { describe, expect, it } from "vitest";
import {
  createIdentityInputSchema,
  createIdentityResponseSchema,
  deleteIdentityResponseSchema,
  identityListResponseSchema,
  identityMembershipListResponseSchema,
  identityMembershipResponseSchema,
  identityMetadataInputSchema,
  identityResponseSchema,
  identitySchema,
  listIdentitiesInputSchema,
  searchIdentitiesInputSchema,
  updateIdentityInputSchema,
  updateIdentityResponseSchema,
} from "./identities";
import { bodyOf, fail, ok, rawIssues } from "./test-helpers";

const ORG_ID = "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8f";
const IDENTITY_ID = "3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f";
const ROLE_MESSAGE = "Role must be one of admin, member, viewer, no-access";

/** What REST validates from the body: the identity id comes from the path. */
const updateIdentityBodySchema = bodyOf(updateIdentityInputSchema, { identityId: IDENTITY_ID });

const DEFAULTS = { role: "no-access", metadata: [], hasDeleteProtection: false, allowedAudiences: [] };

describe("createIdentityInputSchema", () => {
  it("accepts a valid body, trims the name and fills the defaults", () => {
    expect(ok(createIdentityInputSchema, { name: "  ci-runner  ", organizationId: ORG_ID, role: "member" })).toEqual({
      ...DEFAULTS,
      name: "ci-runner",
      organizationId: ORG_ID,
      role: "member",
    });
    expect(ok(createIdentityInputSchema, { name: "x", organizationId: ORG_ID })).toEqual({
      ...DEFAULTS,
      name: "x",
      organizationId: ORG_ID,
    });
  });

  it("takes Infisical's orgId as organizationId; exactly one of the two", () => {
    expect(ok(createIdentityInputSchema, { name: "x", orgId: ORG_ID })).toEqual({ ...DEFAULTS, name: "x", organizationId: ORG_ID });
    expect(fail(createIdentityInputSchema, { name: "x" })).toEqual([
      { path: ["organizationId"], message: "organizationId (or orgId) is required" },
    ]);
    expect(fail(createIdentityInputSchema, { name: "x", orgId: ORG_ID, organizationId: ORG_ID })).toEqual([
      { path: ["orgId"], message: "Give either orgId or organizationId, not both" },
    ]);
    expect(fail(createIdentityInputSchema, { name: "x", orgId: "acme" })).toEqual([{ path: ["orgId"], message: "orgId must be a UUID" }]);
  });

  it("takes metadata and hasDeleteProtection", () => {
    const body = { name: "x", orgId: ORG_ID, metadata: [{ key: " team ", value: " ci " }], hasDeleteProtection: true };
    expect(ok(createIdentityInputSchema, body)).toEqual({
      name: "x",
      organizationId: ORG_ID,
      role: "no-access",
      metadata: [{ key: "team", value: "ci" }],
      hasDeleteProtection: true,
      allowedAudiences: [],
    });
    expect(fail(createIdentityInputSchema, { ...body, hasDeleteProtection: "yes" })).toEqual([
      { path: ["hasDeleteProtection"], message: "hasDeleteProtection must be true or false" },
    ]);
  });

  it("takes allowed audiences (trimmed, unique, printable)", () => {
    const body = { name: "x", orgId: ORG_ID, allowedAudiences: [" billing-api ", "sts.amazonaws.com"] };
    expect(ok(createIdentityInputSchema, body).allowedAudiences).toEqual(["billing-api", "sts.amazonaws.com"]);
    expect(ok(updateIdentityInputSchema, { identityId: IDENTITY_ID, allowedAudiences: [] }).allowedAudiences).toEqual([]);
    expect(fail(createIdentityInputSchema, { ...body, allowedAudiences: ["a b"] })[0]?.path).toEqual(["allowedAudiences", 0]);
    expect(fail(updateIdentityInputSchema, { identityId: IDENTITY_ID, allowedAudiences: ["a", "a"] })[0]?.path).toEqual([
      "allowedAudiences",
    ]);
  });

  it.each(["admin", "member", "viewer", "no-access"])("accepts role %s", (role) => {
    expect(ok(createIdentityInputSchema, { name: "x", organizationId: ORG_ID, role }).role).toBe(role);
  });

  it.each(["owner", "Admin", "", "noaccess", null])("rejects role %j with the role message", (role) => {
    expect(fail(createIdentityInputSchema, { name: "x", organizationId: ORG_ID, role })).toEqual([
      { path: ["role"], message: ROLE_MESSAGE },
    ]);
  });

  it("name: 1 and 64 characters ok, empty/whitespace and 65 fail", () => {
    expect(ok(createIdentityInputSchema, { name: "a", organizationId: ORG_ID, role: "admin" }).name).toBe("a");
    expect(ok(createIdentityInputSchema, { name: "n".repeat(64), organizationId: ORG_ID, role: "admin" }).name).toBe("n".repeat(64));
    expect(ok(createIdentityInputSchema, { name: ` ${"n".repeat(64)} `, organizationId: ORG_ID, role: "admin" }).name).toHaveLength(64);
    for (const name of ["", "   "]) {
      expect(fail(createIdentityInputSchema, { name, organizationId: ORG_ID, role: "admin" })).toEqual([
        { path: ["name"], message: "Name cannot be empty" },
      ]);
    }
    expect(fail(createIdentityInputSchema, { name: "n".repeat(65), organizationId: ORG_ID, role: "admin" })).toEqual([
      { path: ["name"], message: "Name must be at most 64 characters" },
    ]);
  });

  it("organizationId must be a UUID", () => {
    for (const organizationId of ["org", "", "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8", "6c1f0a528b3e4d7a9f210e4b5c6d7e8f", 1]) {
      const issues = rawIssues(createIdentityInputSchema, { name: "x", organizationId, role: "admin" });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toEqual(["organizationId"]);
    }
    expect(fail(createIdentityInputSchema, { name: "x", organizationId: "org", role: "admin" })).toEqual([
      { path: ["organizationId"], message: "organizationId must be a UUID" },
    ]);
  });

  it("accepts any 8-4-4-4-12 hex id (nil UUID, upper case)", () => {
    for (const organizationId of ["00000000-0000-0000-0000-000000000000", ORG_ID.toUpperCase()]) {
      expect(ok(createIdentityInputSchema, { name: "x", organizationId, role: "admin" }).organizationId).toBe(organizationId);
    }
  });

  it("requires a name and is strict", () => {
    expect(rawIssues(createIdentityInputSchema, {}).map((i) => i.path)).toEqual([["name"]]);
    expect(rawIssues(createIdentityInputSchema, { name: "x", organizationId: ORG_ID, role: "admin", authMethods: [] })).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["authMethods"] }),
    ]);
  });

  it.each([
    ["name", { name: "a\u0000b" }, ["name"], "Name must not contain NUL characters or unpaired surrogates"],
    ["name", { name: "a\uD800" }, ["name"], "Name must not contain NUL characters or unpaired surrogates"],
    [
      "metadata key",
      { metadata: [{ key: "k\u0000", value: "v" }] },
      ["metadata", 0, "key"],
      "Metadata key must not contain NUL characters or unpaired surrogates",
    ],
    [
      "metadata value",
      { metadata: [{ key: "k", value: "\uDC00" }] },
      ["metadata", 0, "value"],
      "Metadata value must not contain NUL characters or unpaired surrogates",
    ],
  ])("refuses text PostgreSQL cannot store in the %s", (_label, partial, path, message) => {
    expect(fail(createIdentityInputSchema, { name: "x", organizationId: ORG_ID, ...partial })).toEqual([{ path, message }]);
  });
});

describe("identityMetadataInputSchema", () => {
  const pairs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: "v" }));

  it("trims keys and values; 50 pairs, 64-char keys and 1020-char values are the limits", () => {
    expect(ok(identityMetadataInputSchema, [{ key: " a ", value: " b " }])).toEqual([{ key: "a", value: "b" }]);
    expect(ok(identityMetadataInputSchema, pairs(50))).toHaveLength(50);
    expect(fail(identityMetadataInputSchema, pairs(51))).toEqual([{ path: [], message: "Metadata can have at most 50 entries" }]);
    expect(ok(identityMetadataInputSchema, [{ key: "k".repeat(64), value: "v".repeat(1020) }])).toHaveLength(1);
    expect(fail(identityMetadataInputSchema, [{ key: "k".repeat(65), value: "v".repeat(1021) }])).toEqual([
      { path: [0, "key"], message: "Metadata key must be at most 64 characters" },
      { path: [0, "value"], message: "Metadata value must be at most 1020 characters" },
    ]);
  });

  it("refuses empty keys and values, duplicate keys, other shapes", () => {
    expect(fail(identityMetadataInputSchema, [{ key: " ", value: "" }])).toEqual([
      { path: [0, "key"], message: "Metadata key cannot be empty" },
      { path: [0, "value"], message: "Metadata value cannot be empty" },
    ]);
    expect(
      fail(identityMetadataInputSchema, [
        { key: "a", value: "1" },
        { key: "b", value: "2" },
        { key: "a ", value: "3" },
      ]),
    ).toEqual([{ path: [2, "key"], message: 'Metadata key "a" is used more than once' }]);
    expect(
      ok(identityMetadataInputSchema, [
        { key: "a", value: "1" },
        { key: "A", value: "2" },
      ]),
    ).toHaveLength(2);
    expect(fail(identityMetadataInputSchema, { team: "ci" })).toEqual([{ path: [], message: "Metadata must be an array of {key, value}" }]);
    expect(rawIssues(identityMetadataInputSchema, [{ key: "a", value: "1", id: "x" }])[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["id"],
    });
  });
});

describe("updateIdentityBodySchema / updateIdentityInputSchema", () => {
  it("{} is ok and stays {}", () => {
    expect(ok(updateIdentityBodySchema, {})).toEqual({});
  });

  it("each field is optional and validated", () => {
    expect(ok(updateIdentityBodySchema, { name: " renamed " })).toEqual({ name: "renamed" });
    expect(ok(updateIdentityBodySchema, { role: "viewer" })).toEqual({ role: "viewer" });
    expect(ok(updateIdentityBodySchema, { hasDeleteProtection: false, metadata: [] })).toEqual({
      hasDeleteProtection: false,
      metadata: [],
    });
    expect(fail(updateIdentityBodySchema, { metadata: [{ key: "k", value: "\u0000" }] })).toEqual([
      { path: ["metadata", 0, "value"], message: "Metadata value must not contain NUL characters or unpaired surrogates" },
    ]);
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

describe("listIdentitiesInputSchema", () => {
  it("takes orgId or organizationId (not both) as organizationId", () => {
    expect(ok(listIdentitiesInputSchema, { orgId: ORG_ID })).toEqual({ organizationId: ORG_ID, limit: 50, offset: 0 });
    expect(ok(listIdentitiesInputSchema, { organizationId: ORG_ID })).toEqual({ organizationId: ORG_ID, limit: 50, offset: 0 });
    expect(fail(listIdentitiesInputSchema, { orgId: ORG_ID, organizationId: ORG_ID })).toEqual([
      { path: ["orgId"], message: "Give either orgId or organizationId, not both" },
    ]);
  });

  it("search refuses NUL and lone surrogates", () => {
    for (const search of ["\u0000", "a\uD800"]) {
      expect(fail(listIdentitiesInputSchema, { search })).toEqual([
        { path: ["search"], message: "Search must not contain NUL characters or unpaired surrogates" },
      ]);
    }
  });

  it("defaults limit 50 and offset 0", () => {
    expect(ok(listIdentitiesInputSchema, {})).toEqual({ limit: 50, offset: 0 });
  });

  it("coerces numeric query strings", () => {
    expect(ok(listIdentitiesInputSchema, { limit: "10", offset: "20" })).toEqual({ limit: 10, offset: 20 });
    expect(ok(listIdentitiesInputSchema, { limit: 10, offset: 20 })).toEqual({ limit: 10, offset: 20 });
    expect(ok(listIdentitiesInputSchema, { offset: " 5 " })).toEqual({ limit: 50, offset: 5 });
  });

  it("limit bounds: 1 and 100 ok, 0 and 101 fail", () => {
    expect(ok(listIdentitiesInputSchema, { limit: "1" }).limit).toBe(1);
    expect(ok(listIdentitiesInputSchema, { limit: "100" }).limit).toBe(100);
    expect(fail(listIdentitiesInputSchema, { limit: "0" })).toEqual([{ path: ["limit"], message: "limit must be 1 or more" }]);
    expect(fail(listIdentitiesInputSchema, { limit: "101" })).toEqual([{ path: ["limit"], message: "limit must be at most 100" }]);
  });

  it("offset bounds: 0 and 1000000 ok, -1 and 1000001 fail", () => {
    expect(ok(listIdentitiesInputSchema, { offset: "0" }).offset).toBe(0);
    expect(ok(listIdentitiesInputSchema, { offset: "1000000" }).offset).toBe(1_000_000);
    expect(fail(listIdentitiesInputSchema, { offset: "-1" })).toEqual([{ path: ["offset"], message: "offset must be 0 or more" }]);
    expect(fail(listIdentitiesInputSchema, { offset: "1000001" })).toEqual([
      { path: ["offset"], message: "offset must be at most 1000000" },
    ]);
  });

  it("rejects non-numeric and non-integer values", () => {
    expect(rawIssues(listIdentitiesInputSchema, { limit: "abc" })[0]).toMatchObject({ code: "invalid_type", path: ["limit"] });
    expect(rawIssues(listIdentitiesInputSchema, { limit: "1.5" })[0]).toMatchObject({ code: "invalid_type", path: ["limit"] });
    expect(rawIssues(listIdentitiesInputSchema, { offset: "Infinity" })[0]).toMatchObject({ path: ["offset"] });
    expect(rawIssues(listIdentitiesInputSchema, { limit: ["1", "2"] })[0]).toMatchObject({ path: ["limit"] });
  });

  it("Number() coercion quirks: '' and null become 0, hex and exponent strings are accepted", () => {
    expect(ok(listIdentitiesInputSchema, { offset: "" }).offset).toBe(0);
    expect(ok(listIdentitiesInputSchema, { offset: null }).offset).toBe(0);
    expect(rawIssues(listIdentitiesInputSchema, { limit: "" })[0]).toMatchObject({ code: "too_small", path: ["limit"] });
    expect(ok(listIdentitiesInputSchema, { limit: "0x10", offset: "1e2" })).toEqual({ limit: 16, offset: 100 });
  });

  it("search is trimmed and capped at 64", () => {
    expect(ok(listIdentitiesInputSchema, { search: "  ci  " })).toEqual({ search: "ci", limit: 50, offset: 0 });
    expect(ok(listIdentitiesInputSchema, { search: "s".repeat(64) }).search).toHaveLength(64);
    expect(fail(listIdentitiesInputSchema, { search: "s".repeat(65) })).toEqual([
      { path: ["search"], message: "Search must be at most 64 characters" },
    ]);
  });

  it("organizationId is an optional UUID", () => {
    expect(ok(listIdentitiesInputSchema, { organizationId: ORG_ID }).organizationId).toBe(ORG_ID);
    expect(fail(listIdentitiesInputSchema, { organizationId: "x" })).toEqual([
      { path: ["organizationId"], message: "organizationId must be a UUID" },
    ]);
  });

  it("rejects unknown query parameters", () => {
    expect(rawIssues(listIdentitiesInputSchema, { page: "1" })).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["page"] }),
    ]);
  });
});

describe("searchIdentitiesInputSchema (Infisical's search body)", () => {
  it("defaults: order by name ascending, 50 from 0", () => {
    expect(ok(searchIdentitiesInputSchema, {})).toEqual({ orderBy: "name", orderDirection: "asc", limit: 50, offset: 0 });
  });

  it("takes name ($eq, $contains, $in or a plain string), role ($eq, $in or a string) and $or", () => {
    const body = {
      orgId: ORG_ID,
      search: { name: { $contains: "ci", $in: ["a", "b"] }, role: "member", $or: [{ name: "x" }, { role: { $in: ["admin", "viewer"] } }] },
      orderBy: "role",
      orderDirection: "desc",
      limit: 10,
      offset: 20,
    };
    expect(ok(searchIdentitiesInputSchema, body)).toEqual({ ...body, orgId: undefined, organizationId: ORG_ID });
  });

  it.each([
    [
      { search: { name: { $contains: "a\u0000" } } },
      ["search", "name", "$contains"],
      "Name $contains must not contain NUL characters or unpaired surrogates",
    ],
    [{ search: { name: "\uD800" } }, ["search", "name"], "Name must not contain NUL characters or unpaired surrogates"],
    [{ search: { role: { $in: ["x".repeat(256)] } } }, ["search", "role", "$in", 0], "Role $in must be at most 255 characters"],
    [{ orderBy: "createdAt" }, ["orderBy"], "orderBy must be name or role"],
    [{ orderDirection: "up" }, ["orderDirection"], "orderDirection must be asc or desc"],
    [{ orgId: ORG_ID, organizationId: ORG_ID }, ["orgId"], "Give either orgId or organizationId, not both"],
  ])("refuses %j", (body, path, message) => {
    expect(fail(searchIdentitiesInputSchema, body)).toEqual([{ path, message }]);
  });

  it("refuses unknown operators and fields, and out-of-range pages", () => {
    expect(rawIssues(searchIdentitiesInputSchema, { search: { name: { $neq: "x" } } })[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["$neq"],
    });
    expect(rawIssues(searchIdentitiesInputSchema, { search: { role: { $contains: "x" } } })[0]).toMatchObject({
      code: "unrecognized_keys",
    });
    expect(rawIssues(searchIdentitiesInputSchema, { search: { email: "x" } })[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["email"],
    });
    expect(rawIssues(searchIdentitiesInputSchema, { limit: 101 })[0]?.path).toEqual(["limit"]);
    expect(rawIssues(searchIdentitiesInputSchema, { limit: "10" })[0]?.path).toEqual(["limit"]);
    expect(rawIssues(searchIdentitiesInputSchema, { offset: -1 })[0]?.path).toEqual(["offset"]);
  });
});

describe("identity response schemas", () => {
  const metadata = [{ id: "m1", key: "team", value: "ci" }];
  const identity = {
    id: IDENTITY_ID,
    name: "ci",
    organizationId: ORG_ID,
    role: "member",
    authMethods: ["oci-auth", "token"],
    hasDeleteProtection: false,
    metadata,
    lastLoginAuthMethod: null,
    lastLoginTime: null,
    allowedAudiences: [],
    createdAt: "2024-05-01T12:00:00.000Z",
    updatedAt: "2024-05-01T12:00:00Z",
  };

  it("accepts a valid identity (flat shape), wrapped and listed", () => {
    expect(ok(identitySchema, identity)).toEqual(identity);
    expect(
      ok(identitySchema, { ...identity, lastLoginAuthMethod: "oci-auth", lastLoginTime: "2024-05-02T00:00:00.000Z" }).lastLoginAuthMethod,
    ).toBe("oci-auth");
    expect(ok(identityResponseSchema, { identity })).toEqual({ identity });
    expect(ok(identityListResponseSchema, { identities: [identity], totalCount: 1, nextOffset: null, truncated: false })).toEqual({
      identities: [identity],
      totalCount: 1,
      nextOffset: null,
      truncated: false,
    });
  });

  it("rejects unknown auth methods and extra keys", () => {
    expect(rawIssues(identitySchema, { ...identity, authMethods: ["password"] })[0]?.path).toEqual(["authMethods", 0]);
    expect(rawIssues(identitySchema, { ...identity, secret: "x" })[0]?.code).toBe("unrecognized_keys");
    expect(rawIssues(identityListResponseSchema, { identities: [], totalCount: 1.5 })[0]?.path).toEqual(["totalCount"]);
  });

  it("Infisical's shapes: created, updated, deleted identity and the membership", () => {
    const base = {
      id: IDENTITY_ID,
      name: "ci",
      orgId: ORG_ID,
      hasDeleteProtection: true,
      createdAt: identity.createdAt,
      updatedAt: identity.createdAt,
    };
    expect(ok(createIdentityResponseSchema, { identity: { ...base, authMethods: [], metadata } })).toBeDefined();
    expect(ok(updateIdentityResponseSchema, { identity: { ...base, metadata } })).toBeDefined();
    expect(ok(deleteIdentityResponseSchema, { identity: base })).toBeDefined();
    expect(rawIssues(deleteIdentityResponseSchema, { identity: { ...base, metadata } })[0]?.code).toBe("unrecognized_keys");
    const membership = {
      id: IDENTITY_ID,
      orgId: ORG_ID,
      role: "viewer",
      customRole: null,
      metadata,
      lastLoginAuthMethod: "oci-auth",
      lastLoginTime: identity.createdAt,
      createdAt: identity.createdAt,
      updatedAt: identity.createdAt,
      identity: { id: IDENTITY_ID, name: "ci", authMethods: ["oci-auth"], hasDeleteProtection: false },
    };
    expect(ok(identityMembershipResponseSchema, { identity: membership })).toEqual({ identity: membership });
    expect(
      ok(identityMembershipListResponseSchema, { identities: [membership], totalCount: 1, nextOffset: null, truncated: false }).totalCount,
    ).toBe(1);
    expect(rawIssues(identityMembershipResponseSchema, { identity: { ...membership, customRole: {} } })[0]?.path).toEqual([
      "identity",
      "customRole",
    ]);
  });
});
