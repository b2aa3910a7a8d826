import { isMorePrivileged, type OrgRole, roleAllowsOnUsers, type UserAction } from "@ociauth/schema";

/**
 * Why an actor may not act on a user, or null when it may: its role is too low for the action
 * ("role"); it is a machine identity and the action touches a human's credentials or the admin
 * role of humans ("machine", see `machineMayDo`); or the user (`targetRole`) or the role it would
 * give (`newRole`) is above its own ("boundary"). The same rules as for identities: nobody manages
 * or grants above their own role.
 */
export function userActionRefusal(
  actorRole: OrgRole,
  action: UserAction,
  targetRole: OrgRole | null,
  newRole: OrgRole | null = null,
  actorType: "user" | "identity" = "user",
): "role" | "machine" | "boundary" | null {
  if (!roleAllowsOnUsers(actorRole, action)) return "role";
  if (action === "read") return null;
  if (actorType === "identity" && !machineMayDo(action, targetRole, newRole)) return "machine";
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

/**
 * What a machine identity may do to human users, whatever its role: list them, change roles below
 * admin and remove users who are not admins. Adding a user (it sets their password), resetting a
 * password, clearing a sign-in delay (it would speed up password guessing), giving or taking the
 * admin role and removing an admin are for human admins only, so a compromised workload cannot
 * take over the dashboard.
 */
export function machineMayDo(action: UserAction, targetRole: OrgRole | null, newRole: OrgRole | null): boolean {
  switch (action) {
    case "read":
      return true;
    case "add":
    case "reset-password":
    case "unlock":
      return false;
    case "edit":
      return targetRole !== "admin" && newRole !== "admin";
    case "remove":
      return targetRole !== "admin";
  }
}
