import type { IdentityRow } from "@ociauth/db";
import { type Identity, identitySchema } from "@ociauth/schema";

export function toIdentityDto(row: IdentityRow): Identity {
  return identitySchema.parse({
    id: row.id,
    name: row.name,
    organizationId: row.orgId,
    role: row.role,
    authMethods: row.ociAuth ? ["oci-auth"] : [],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });
}
