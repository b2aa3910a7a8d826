import { auditDiff } from "../audit/audit-diff";
import type { IdentityFilter, IdentityRow, TextCondition } from "@ociauth/db";
import { type Identity, type IdentitySearchFilter, identitySchema } from "@ociauth/schema";

export function toIdentityDto(row: IdentityRow): Identity {
  return identitySchema.parse({
    id: row.id,
    name: row.name,
    organizationId: row.orgId,
    role: row.role,
    authMethods: [...(row.ociAuth ? (["oci-auth"] as const) : []), ...(row.tokenAuth ? (["token-auth"] as const) : [])],
    hasDeleteProtection: row.hasDeleteProtection,
    metadata: row.metadata,
    lastLoginAuthMethod: row.lastLoginAuthMethod,
    lastLoginTime: row.lastLoginTime?.toISOString() ?? null,
    allowedAudiences: row.allowedAudiences,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });
}

interface EditableFields {
  name: string;
  role: string;
  hasDeleteProtection: boolean;
  metadata: readonly { key: string; value: string }[];
  allowedAudiences: readonly string[];
}

/**
 * What an update really changed, field by field, with the old and new values (metadata as its pairs,
 * without the ids that every write renews): the audit event's record of the change.
 */
export function identityChanges(before: EditableFields, after: EditableFields) {
  const pairs = (metadata: EditableFields["metadata"]) => metadata.map(({ key, value }) => ({ key, value }));
  const view = (fields: EditableFields) => ({
    name: fields.name,
    role: fields.role,
    hasDeleteProtection: fields.hasDeleteProtection,
    metadata: pairs(fields.metadata),
    allowedAudiences: [...fields.allowedAudiences],
  });
  const diff = auditDiff(view(before), view(after));
  return { changedFields: diff.changedFields, changes: diff.after, before: diff.before };
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
