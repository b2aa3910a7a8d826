import { z } from "zod";
import { idSchema, isoDateSchema, nameSchema, orgRoleSchema, paginationShape } from "./common";

export const authMethods = ["oci-auth", "token"] as const;
export const authMethodSchema = z.enum(authMethods);

export const createIdentityBodySchema = z.strictObject({
  name: nameSchema("Name"),
  organizationId: idSchema("organizationId"),
  role: orgRoleSchema,
});

const updateIdentityShape = {
  name: nameSchema("Name").optional(),
  role: orgRoleSchema.optional(),
};
export const updateIdentityBodySchema = z.strictObject(updateIdentityShape);
export const updateIdentityInputSchema = z.strictObject({ identityId: idSchema("identityId"), ...updateIdentityShape });

export const listIdentitiesQuerySchema = z.strictObject({
  organizationId: idSchema("organizationId").optional(),
  search: z.string().trim().max(64).optional(),
  ...paginationShape,
});

export const identitySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  organizationId: z.string(),
  role: orgRoleSchema,
  authMethods: z.array(authMethodSchema),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
});

export const identityResponseSchema = z.strictObject({ identity: identitySchema });
export const identityListResponseSchema = z.strictObject({
  identities: z.array(identitySchema),
  totalCount: z.number().int(),
});

export type CreateIdentityBody = z.infer<typeof createIdentityBodySchema>;
export type UpdateIdentityBody = z.infer<typeof updateIdentityBodySchema>;
export type ListIdentitiesQuery = z.infer<typeof listIdentitiesQuerySchema>;
export type Identity = z.infer<typeof identitySchema>;
