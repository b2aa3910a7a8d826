import { z } from "zod";
import { passwordSchema } from "./accounts";
import { idSchema, isoDateSchema, orgRoleSchema } from "./common";
import { MAX_PASSWORD_LENGTH } from "./limits";
import { messages } from "./messages";

/** The users (dashboard operators) of an organization. REST takes the ids from the path, the rest from the body. */

const organizationId = idSchema("organizationId");
const userId = idSchema("userId");

export const orgUsersParamsSchema = z.strictObject({ organizationId });
export const orgUserParamsSchema = z.strictObject({ organizationId, userId });

export const updateOrgUserRoleInputSchema = z.strictObject({ organizationId, userId, role: orgRoleSchema });

export const orgUserListItemSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  role: orgRoleSchema,
  createdAt: isoDateSchema,
});
export const orgUserListResponseSchema = z.strictObject({ users: z.array(orgUserListItemSchema) });

/** A signed-in user changes their own password: the current one proves it is them. */
export const changeOwnPasswordBodySchema = z
  .strictObject({
    currentPassword: z.string().min(1, messages.currentPasswordEmpty).max(MAX_PASSWORD_LENGTH),
    newPassword: passwordSchema,
  })
  .refine((body) => body.currentPassword !== body.newPassword, { path: ["newPassword"], message: messages.newPasswordSameAsCurrent });

/** An admin sets another user's password (their sessions end). */
export const resetUserPasswordInputSchema = z.strictObject({ organizationId, userId, newPassword: passwordSchema });

export type OrgUsersParams = z.infer<typeof orgUsersParamsSchema>;
export type OrgUserParams = z.infer<typeof orgUserParamsSchema>;
export type UpdateOrgUserRoleInput = z.infer<typeof updateOrgUserRoleInputSchema>;
export type OrgUserListItem = z.infer<typeof orgUserListItemSchema>;
export type ChangeOwnPasswordBody = z.infer<typeof changeOwnPasswordBodySchema>;
export type ResetUserPasswordInput = z.infer<typeof resetUserPasswordInputSchema>;
