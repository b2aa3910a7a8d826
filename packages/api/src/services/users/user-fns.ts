import { isMorePrivileged, type OrgRole, roleAllowsOnUsers, type UserAction } from "@ociauth/schema";

/**
 * Why an actor may not act on a user, or null when it may: its role is too low for the action
 * ("role"), or the user (`targetRole`) or the role it would give (`newRole`) is above its own
 * ("boundary"). The same rules as for identities: nobody manages or grants above their own role.
 */
export function userActionRefusal(
  actorRole: OrgRole,
  action: UserAction,
  targetRole: OrgRole | null,
  newRole: OrgRole | null = null,
): "role" | "boundary" | null {
  if (!roleAllowsOnUsers(actorRole, action)) return "role";
  if (action === "read") return null;
  if (targetRole && isMorePrivileged(targetRole, actorRole)) return "boundary";
  if (newRole && isMorePrivileged(newRole, actorRole)) return "boundary";
  return null;
}

/**
 * The last-admin rule: a change that takes the admin role away from a user (removal, or a new
 * role other than admin) is refused when that user is the organization's only admin user.
 * `newRole` null means the user is removed.
 */
export function takesAwayLastAdmin(currentRole: OrgRole, newRole: OrgRole | null, adminUsers: number): boolean {
  if (currentRole !== "admin") return false;
  if (newRole === "admin") return false;
  return adminUsers <= 1;
}
