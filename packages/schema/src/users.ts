import { z } from "zod";
import { passwordSchema } from "./accounts";
import { idSchema, isoDateSchema, objectError, offsetSchema, orgRoleSchema, pageContinuationShape, typeError } from "./common";
import { MAX_PASSWORD_LENGTH } from "./limits";
import { messages } from "./messages";

/** The users (dashboard operators) of an organization. REST takes the ids from the path, the rest from the body. */

const organizationId = idSchema("organizationId").meta({ description: "Organization of the user." });
const userId = idSchema("userId").meta({ description: "Id of the dashboard user." });
const request = { error: objectError("The request") };

/** Users listed per page at most (oldest first); a page is also cut by MAX_PAGE_BYTES. */
export const MAX_LISTED_USERS = 1000;

/** `GET /api/v1/organizations/{organizationId}/users`: the organization from the path, `offset` from the query. */
export const listOrgUsersInputSchema = z.strictObject({ organizationId, offset: offsetSchema }, request);
export const orgUserParamsSchema = z.strictObject({ organizationId, userId }, request);

export const updateOrgUserRoleInputSchema = z.strictObject(
  { organizationId, userId, role: orgRoleSchema.meta({ description: "New role of the user in the organization.", example: "viewer" }) },
  request,
);

export const orgUserListItemSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  role: orgRoleSchema,
  createdAt: isoDateSchema,
});
export const orgUserListResponseSchema = z.strictObject({ users: z.array(orgUserListItemSchema), ...pageContinuationShape });

/** A signed-in user changes their own password: the current one proves it is them. */
export const changeOwnPasswordBodySchema = z
  .strictObject(
    {
      currentPassword: z
        .string({ error: typeError("Current password", "text") })
        .min(1, messages.currentPasswordEmpty)
        .max(MAX_PASSWORD_LENGTH, `Current password must be at most ${MAX_PASSWORD_LENGTH} characters`)
        .meta({ description: "The user's current password." }),
      newPassword: passwordSchema,
    },
    request,
  )
  .refine((body) => body.currentPassword !== body.newPassword, { path: ["newPassword"], message: messages.newPasswordSameAsCurrent });

/** An admin sets another user's password (their sessions end). */
export const resetUserPasswordInputSchema = z.strictObject({ organizationId, userId, newPassword: passwordSchema }, request);

export type ListOrgUsersInput = z.infer<typeof listOrgUsersInputSchema>;
export type OrgUserParams = z.infer<typeof orgUserParamsSchema>;
export type UpdateOrgUserRoleInput = z.infer<typeof updateOrgUserRoleInputSchema>;
export type OrgUserListItem = z.infer<typeof orgUserListItemSchema>;
export type ChangeOwnPasswordBody = z.infer<typeof changeOwnPasswordBodySchema>;
export type ResetUserPasswordInput = z.infer<typeof resetUserPasswordInputSchema>;
