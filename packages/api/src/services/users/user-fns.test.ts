import type { OrgRole } from "@ociauth/schema";
import { describe, expect, it } from "vitest";
import { machineMayDo, takesAwayLastAdmin, userActionRefusal } from "./user-fns";

const ROLES: OrgRole[] = ["no-access", "viewer", "member", "admin"];

describe("takesAwayLastAdmin", () => {
  it("refuses removing or demoting the only admin user", () => {
    expect(takesAwayLastAdmin("admin", null, 1)).toBe(true);
    for (const role of ["member", "viewer", "no-access"] as const) expect(takesAwayLastAdmin("admin", role, 1)).toBe(true);
  });

  it("allows it while another admin user remains", () => {
    expect(takesAwayLastAdmin("admin", null, 2)).toBe(false);
    expect(takesAwayLastAdmin("admin", "viewer", 3)).toBe(false);
  });

  it("keeping the admin role, or changing a non-admin, never trips the rule", () => {
    expect(takesAwayLastAdmin("admin", "admin", 1)).toBe(false);
    for (const role of ["member", "viewer", "no-access"] as const) {
      expect(takesAwayLastAdmin(role, null, 1)).toBe(false);
      expect(takesAwayLastAdmin(role, "viewer", 0)).toBe(false);
    }
  });
});

describe("userActionRefusal", () => {
  it("reading needs viewer; nothing else matters", () => {
    expect(userActionRefusal("no-access", "read", null)).toBe("role");
    for (const role of ["viewer", "member", "admin"] as const) expect(userActionRefusal(role, "read", null)).toBeNull();
  });

  it("a member adds and edits users up to member, never admins", () => {
    expect(userActionRefusal("member", "add", null, "member")).toBeNull();
    expect(userActionRefusal("member", "add", null, "admin")).toBe("boundary");
    expect(userActionRefusal("member", "edit", "viewer", "member")).toBeNull();
    expect(userActionRefusal("member", "edit", "admin", "viewer")).toBe("boundary");
    expect(userActionRefusal("member", "edit", "viewer", "admin")).toBe("boundary");
  });

  it("viewers and no-access manage nobody", () => {
    for (const role of ["viewer", "no-access"] as const) {
      expect(userActionRefusal(role, "add", null, "no-access")).toBe("role");
      expect(userActionRefusal(role, "edit", "no-access", "no-access")).toBe("role");
    }
  });

  it("removing and resetting passwords need admin", () => {
    for (const role of ROLES) {
      const expected = role === "admin" ? null : "role";
      expect(userActionRefusal(role, "remove", "no-access")).toBe(expected);
      expect(userActionRefusal(role, "reset-password", "no-access")).toBe(expected);
    }
  });

  it("an admin may act on every role", () => {
    for (const target of ROLES) for (const next of ROLES) expect(userActionRefusal("admin", "edit", target, next)).toBeNull();
  });
});

describe("machine identities and human users", () => {
  it("an admin identity may list users, change roles below admin and remove non-admins", () => {
    expect(userActionRefusal("admin", "read", null, null, "identity")).toBeNull();
    expect(userActionRefusal("admin", "edit", "viewer", "member", "identity")).toBeNull();
    expect(userActionRefusal("admin", "remove", "member", null, "identity")).toBeNull();
  });

  it("but never adds users, resets passwords, gives or takes the admin role, or removes an admin", () => {
    for (const role of ROLES) expect(userActionRefusal("admin", "add", null, role, "identity")).toBe("machine");
    for (const target of ROLES) expect(userActionRefusal("admin", "reset-password", target, null, "identity")).toBe("machine");
    expect(userActionRefusal("admin", "edit", "member", "admin", "identity")).toBe("machine");
    expect(userActionRefusal("admin", "edit", "admin", "viewer", "identity")).toBe("machine");
    expect(userActionRefusal("admin", "remove", "admin", null, "identity")).toBe("machine");
    expect(machineMayDo("edit", "admin", "admin")).toBe(false);
  });

  it("a role too low is still refused for its role first; a human admin may do all of it", () => {
    expect(userActionRefusal("viewer", "add", null, "viewer", "identity")).toBe("role");
    expect(userActionRefusal("admin", "add", null, "admin", "user")).toBeNull();
    expect(userActionRefusal("admin", "remove", "admin", null, "user")).toBeNull();
  });
});
