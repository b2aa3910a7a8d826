import { describe, expect, it } from "vitest";
import { canManageUser } from "./permissions";

describe("canManageUser (which buttons the Users page offers)", () => {
  it("admins may do everything to everyone", () => {
    for (const action of ["read", "add", "edit", "remove", "reset-password"] as const)
      expect(canManageUser("admin", "admin", action)).toBe(true);
  });

  it("members add and edit users up to member, never admins, and remove or reset nobody", () => {
    expect(canManageUser("member", "viewer", "edit")).toBe(true);
    expect(canManageUser("member", "member", "edit")).toBe(true);
    expect(canManageUser("member", "admin", "edit")).toBe(false);
    expect(canManageUser("member", "viewer", "remove")).toBe(false);
    expect(canManageUser("member", "viewer", "reset-password")).toBe(false);
  });

  it("viewers only read; no-access nothing", () => {
    expect(canManageUser("viewer", "admin", "read")).toBe(true);
    expect(canManageUser("viewer", "no-access", "edit")).toBe(false);
    expect(canManageUser("no-access", "no-access", "read")).toBe(false);
  });
});
