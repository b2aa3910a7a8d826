import type { OrgRole } from "./common";

export type IdentityAction = "read" | "create" | "edit" | "delete";

const RANK: Record<OrgRole, number> = { "no-access": 0, viewer: 1, member: 2, admin: 3 };

/** Least role allowed to perform each action on identities (and their auth methods). */
const MIN_ROLE: Record<IdentityAction, OrgRole> = { read: "viewer", create: "member", edit: "member", delete: "admin" };

export const roleAllows = (role: OrgRole, action: IdentityAction) => RANK[role] >= RANK[MIN_ROLE[action]];

/** An actor may not manage an identity whose role is more privileged than its own. */
export const isMorePrivileged = (target: OrgRole, actor: OrgRole) => RANK[target] > RANK[actor];

export type UserAction = "read" | "add" | "edit" | "remove" | "reset-password" | "unlock";

/**
 * Least role allowed for each action on the organization's users: the identity rules (reading
 * needs viewer, adding and changing roles member, removing admin), and resetting someone else's
 * password or clearing their sign-in delay admin. The boundary (`isMorePrivileged`) applies on top, as for identities.
 */
const MIN_ROLE_FOR_USERS: Record<UserAction, OrgRole> = {
  read: "viewer",
  add: "member",
  edit: "member",
  remove: "admin",
  "reset-password": "admin",
  unlock: "admin",
};

export const roleAllowsOnUsers = (role: OrgRole, action: UserAction) => RANK[role] >= RANK[MIN_ROLE_FOR_USERS[action]];
