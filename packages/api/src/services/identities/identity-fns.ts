import type { IdentityFilter, IdentityRow, TextCondition } from "@ociauth/db";
import { type Identity, type IdentitySearchFilter, identitySchema } from "@ociauth/schema";

export function toIdentityDto(row: IdentityRow): Identity {
  return identitySchema.parse({
    id: row.id,
    name: row.name,
    organizationId: row.orgId,
    role: row.role,
    authMethods: row.ociAuth ? ["oci-auth"] : [],
    hasDeleteProtection: row.hasDeleteProtection,
    metadata: row.metadata,
    lastLoginAuthMethod: row.lastLoginAuthMethod,
    lastLoginTime: row.lastLoginTime?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });
}

interface EditableFields {
  name: string;
  role: string;
  hasDeleteProtection: boolean;
  metadata: readonly { key: string; value: string }[];
}

/**
 * What an update really changed, field by field, with the new values (metadata as its pairs,
 * without the ids that every write renews): the audit event's record of the change.
 */
export function identityChanges(before: EditableFields, after: EditableFields) {
  const pairs = (metadata: EditableFields["metadata"]) => metadata.map(({ key, value }) => ({ key, value }));
  const changes: Partial<{ name: string; role: string; hasDeleteProtection: boolean; metadata: { key: string; value: string }[] }> = {};
  if (before.name !== after.name) changes.name = after.name;
  if (before.role !== after.role) changes.role = after.role;
  if (before.hasDeleteProtection !== after.hasDeleteProtection) changes.hasDeleteProtection = after.hasDeleteProtection;
  if (JSON.stringify(pairs(before.metadata)) !== JSON.stringify(pairs(after.metadata))) changes.metadata = pairs(after.metadata);
  return { changedFields: Object.keys(changes), changes };
}

type Condition = NonNullable<IdentitySearchFilter["name"] | IdentitySearchFilter["role"]>;

/** Infisical's operators on one field: a plain string means `$eq`. */
function toTextCondition(condition: Condition | undefined): TextCondition | undefined {
  if (condition === undefined) return undefined;
  if (typeof condition === "string") return { equals: condition };
  const { $eq, $in } = condition;
  const $contains = "$contains" in condition ? condition.$contains : undefined;
  return {
    ...($eq === undefined ? {} : { equals: $eq }),
    ...($contains === undefined ? {} : { contains: $contains }),
    ...($in === undefined ? {} : { in: $in }),
  };
}

function toFilter(filter: Pick<IdentitySearchFilter, "name" | "role">): IdentityFilter {
  const name = toTextCondition(filter.name);
  const role = toTextCondition(filter.role);
  return { ...(name ? { name } : {}), ...(role ? { role } : {}) };
}

/**
 * Infisical's search filter → the data layer's: the top-level conditions must all hold and, when
 * `$or` lists filters, at least one of them must.
 */
export function toIdentityListFilter(search: IdentitySearchFilter | undefined): { filter: IdentityFilter; anyOf: IdentityFilter[] } {
  if (!search) return { filter: {}, anyOf: [] };
  return { filter: toFilter(search), anyOf: (search.$or ?? []).map(toFilter) };
}
