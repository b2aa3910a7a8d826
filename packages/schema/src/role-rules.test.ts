import type { OrgRole } from "./common";
import { describe, expect, it } from "vitest";
import { type IdentityAction, isMorePrivileged, roleAllows, roleAllowsOnUsers, type UserAction } from "./role-rules";

const ROLES: OrgRole[] = ["no-access", "viewer", "member", "admin"];

describe("roleAllows (read = viewer+, create/edit = member+, delete = admin)", () => {
  const table: Record<IdentityAction, OrgRole[]> = {
    read: ["viewer", "member", "admin"],
    create: ["member", "admin"],
    edit: ["member", "admin"],
    delete: ["admin"],
  };
  for (const [action, allowed] of Object.entries(table) as [IdentityAction, OrgRole[]][]) {
    it.each(ROLES)(`${action} by %s`, (role) => {
      expect(roleAllows(role, action)).toBe(allowed.includes(role));
    });
  }

  it("no-access may do nothing", () => {
    for (const action of ["read", "create", "edit", "delete"] as const) expect(roleAllows("no-access", action)).toBe(false);
  });
});

describe("isMorePrivileged (the privilege boundary)", () => {
  it.each(ROLES.flatMap((target, t) => ROLES.map((actor, a) => [target, actor, t > a] as const)))(
    "target %s vs actor %s → %s",
    (target, actor, expected) => {
      expect(isMorePrivileged(target, actor)).toBe(expected);
    },
  );

  it("equal roles are never more privileged (an actor may manage its peers)", () => {
    for (const role of ROLES) expect(isMorePrivileged(role, role)).toBe(false);
  });

  it("nothing is more privileged than admin; everything but no-access is above no-access", () => {
    for (const role of ROLES) expect(isMorePrivileged(role, "admin")).toBe(false);
    for (const role of ROLES) expect(isMorePrivileged(role, "no-access")).toBe(role !== "no-access");
  });
});

describe("roleAllowsOnUsers (read = viewer+, add/edit = member+, remove/reset-password/unlock = admin)", () => {
  const table: Record<UserAction, OrgRole[]> = {
    read: ["viewer", "member", "admin"],
    add: ["member", "admin"],
    edit: ["member", "admin"],
    remove: ["admin"],
    "reset-password": ["admin"],
    unlock: ["admin"],
  };
  for (const [action, allowed] of Object.entries(table) as [UserAction, OrgRole[]][]) {
    it.each(ROLES)(`${action} by %s`, (role) => {
      expect(roleAllowsOnUsers(role, action)).toBe(allowed.includes(role));
    });
  }
});
