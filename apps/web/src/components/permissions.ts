import {
  type IdentityAction,
  isMorePrivileged,
  type OrgRole,
  orgRoles,
  roleAllows,
  roleAllowsOnUsers,
  type UserAction,
} from "@ociauth/schema";

/**
 * What the dashboard offers: the same pure rules the services enforce (the API still decides).
 * Reading needs viewer; create/edit/attach/revoke need member; delete needs admin; nobody may
 * manage an identity more privileged than themselves.
 */
export function canManage(actor: OrgRole, target: OrgRole, action: IdentityAction): boolean {
  return roleAllows(actor, action) && (action === "read" || !isMorePrivileged(target, actor));
}

export const canCreateIdentities = (actor: OrgRole) => roleAllows(actor, "create");

/** Roles an actor may give an identity (its own level and below). */
export const assignableRoles = (actor: OrgRole): OrgRole[] => orgRoles.filter((role) => !isMorePrivileged(role, actor));

/**
 * Users: reading needs viewer, adding and changing roles member, removing and resetting passwords
 * admin; nobody manages a user more privileged than themselves (the API's rules, for the buttons).
 */
export function canManageUser(actor: OrgRole, target: OrgRole, action: UserAction): boolean {
  return roleAllowsOnUsers(actor, action) && (action === "read" || !isMorePrivileged(target, actor));
}
