import { describe, expect, it } from "vitest";
import { MAX_PASSWORD_LENGTH } from "./limits";
import { bodyOf, fail, ok, rawIssues } from "./test-helpers";
import {
  changeOwnPasswordBodySchema,
  orgUserListResponseSchema,
  orgUserParamsSchema,
  resetUserPasswordInputSchema,
  updateOrgUserRoleInputSchema,
} from "./users";

const ORG_ID = "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8f";
const USER_ID = "0b7f6c1e-2a3d-4e5f-8a9b-1c2d3e4f5a6b";
const PASSWORD = "correct-horse-battery";

describe("user path parameters", () => {
  it("need UUIDs, named in the message", () => {
    expect(ok(orgUserParamsSchema, { organizationId: ORG_ID, userId: USER_ID })).toEqual({ organizationId: ORG_ID, userId: USER_ID });
    expect(fail(orgUserParamsSchema, { organizationId: "acme", userId: "bob" })).toEqual([
      { path: ["organizationId"], message: "organizationId must be a UUID" },
      { path: ["userId"], message: "userId must be a UUID" },
    ]);
  });
});

describe("updateOrgUserRoleInputSchema", () => {
  const body = bodyOf(updateOrgUserRoleInputSchema, { organizationId: ORG_ID, userId: USER_ID });
  it("takes a role from the body", () => {
    expect(ok(body, { role: "viewer" })).toMatchObject({ role: "viewer" });
  });
  it("refuses unknown roles, a missing role and extra keys", () => {
    expect(fail(body, { role: "owner" })).toEqual([{ path: ["role"], message: "Role must be one of admin, member, viewer, no-access" }]);
    expect(fail(body, {})[0]?.path).toEqual(["role"]);
    expect(rawIssues(body, { role: "admin", email: "x@y.z" })[0]?.code).toBe("unrecognized_keys");
  });
});

describe("changeOwnPasswordBodySchema", () => {
  it("accepts a current password and a new one that follows the password rules", () => {
    expect(ok(changeOwnPasswordBodySchema, { currentPassword: "old", newPassword: PASSWORD })).toEqual({
      currentPassword: "old",
      newPassword: PASSWORD,
    });
  });
  it("says what is wrong with each field", () => {
    expect(fail(changeOwnPasswordBodySchema, { currentPassword: "", newPassword: "short" })).toEqual([
      { path: ["currentPassword"], message: "Current password cannot be empty" },
      { path: ["newPassword"], message: "Password must be at least 12 characters" },
    ]);
    expect(fail(changeOwnPasswordBodySchema, { currentPassword: PASSWORD, newPassword: "x".repeat(MAX_PASSWORD_LENGTH + 1) })).toEqual([
      { path: ["newPassword"], message: "Password must be at most 256 characters" },
    ]);
  });
  it("refuses a new password equal to the current one", () => {
    expect(fail(changeOwnPasswordBodySchema, { currentPassword: PASSWORD, newPassword: PASSWORD })).toEqual([
      { path: ["newPassword"], message: "New password must differ from the current password" },
    ]);
  });
  it("refuses unknown keys", () => {
    expect(rawIssues(changeOwnPasswordBodySchema, { currentPassword: "a", newPassword: PASSWORD, userId: USER_ID })[0]?.code).toBe(
      "unrecognized_keys",
    );
  });
});

describe("resetUserPasswordInputSchema", () => {
  const body = bodyOf(resetUserPasswordInputSchema, { organizationId: ORG_ID, userId: USER_ID });
  it("takes the new password from the body, with the password rules", () => {
    expect(ok(body, { newPassword: PASSWORD }).newPassword).toBe(PASSWORD);
    expect(fail(body, { newPassword: "short" })).toEqual([{ path: ["newPassword"], message: "Password must be at least 12 characters" }]);
  });
});

describe("orgUserListResponseSchema", () => {
  it("lists users with id, email, role and creation date, nothing else", () => {
    const user = { id: USER_ID, email: "a@b.co", role: "admin", createdAt: "2026-12-03T09:00:00.000Z" };
    expect(ok(orgUserListResponseSchema, { users: [user], nextOffset: null, truncated: false })).toEqual({
      users: [user],
      nextOffset: null,
      truncated: false,
    });
    expect(rawIssues(orgUserListResponseSchema, { users: [{ ...user, passwordHash: "x" }] })[0]?.code).toBe("unrecognized_keys");
  });
});
