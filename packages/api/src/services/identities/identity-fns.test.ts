import { describe, expect, it } from "vitest";
import { identityChanges, toIdentityListFilter } from "./identity-fns";

describe("identityChanges", () => {
  const before = {
    name: "a",
    role: "member",
    hasDeleteProtection: false,
    metadata: [{ id: "1", key: "k", value: "v" }],
    allowedAudiences: [],
  };

  it("lists only what really changed, with the new values", () => {
    const sameWithNewIds = [{ id: "2", key: "k", value: "v" }];
    expect(identityChanges(before, { ...before, metadata: sameWithNewIds })).toEqual({ changedFields: [], changes: {}, before: {} });
    expect(identityChanges(before, { ...before, name: "b", hasDeleteProtection: true })).toEqual({
      changedFields: ["name", "hasDeleteProtection"],
      changes: { name: "b", hasDeleteProtection: true },
      before: { name: "a", hasDeleteProtection: false },
    });
    expect(identityChanges(before, { ...before, role: "viewer", metadata: [] })).toEqual({
      changedFields: ["role", "metadata"],
      changes: { role: "viewer", metadata: [] },
      before: { role: "member", metadata: [{ key: "k", value: "v" }] },
    });
    expect(identityChanges(before, { ...before, allowedAudiences: ["billing-api"] })).toEqual({
      changedFields: ["allowedAudiences"],
      changes: { allowedAudiences: ["billing-api"] },
      before: { allowedAudiences: [] },
    });
  });
});

describe("toIdentityListFilter (Infisical's search operators)", () => {
  it("no search: no conditions", () => {
    expect(toIdentityListFilter(undefined)).toEqual({ filter: {}, anyOf: [] });
    expect(toIdentityListFilter({})).toEqual({ filter: {}, anyOf: [] });
  });

  it("a plain string is $eq; $eq, $contains and $in map one to one; $or becomes anyOf", () => {
    expect(
      toIdentityListFilter({
        name: { $contains: "ci", $in: ["a"] },
        role: "member",
        $or: [{ name: "x" }, { role: { $eq: "admin", $in: ["viewer"] } }],
      }),
    ).toEqual({
      filter: { name: { contains: "ci", in: ["a"] }, role: { equals: "member" } },
      anyOf: [{ name: { equals: "x" } }, { role: { equals: "admin", in: ["viewer"] } }],
    });
  });
});
