import { type IdentityAction, isMorePrivileged, type OrgRole, orgRoles, roleAllows } from "@ociauth/schema";

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
