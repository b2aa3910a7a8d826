import type { CreatedIdentity, Identity, IdentityMembership, InfisicalIdentity, UpdatedIdentity } from "@ociauth/schema";

/** `allowedAudiences` only when the identity has some: Infisical's shapes are unchanged otherwise. */
const audiencesOf = (identity: Identity) => (identity.allowedAudiences.length > 0 ? { allowedAudiences: identity.allowedAudiences } : {});

/*
 * The REST API answers in Infisical's shapes; the services (and tRPC) use our flat identity.
 * These pure functions are the whole difference.
 */

/** Infisical's identity row (`DELETE` answers with it). */
export function toInfisicalIdentity(identity: Identity): InfisicalIdentity {
  return {
    id: identity.id,
    name: identity.name,
    orgId: identity.organizationId,
    hasDeleteProtection: identity.hasDeleteProtection,
    createdAt: identity.createdAt,
    updatedAt: identity.updatedAt,
  };
}

/** `POST /api/v1/identities`. */
export function toCreatedIdentity(identity: Identity): CreatedIdentity {
  return {
    id: identity.id,
    name: identity.name,
    orgId: identity.organizationId,
    authMethods: identity.authMethods,
    hasDeleteProtection: identity.hasDeleteProtection,
    metadata: identity.metadata,
    ...audiencesOf(identity),
    createdAt: identity.createdAt,
    updatedAt: identity.updatedAt,
  };
}

/** `PATCH /api/v1/identities/{identityId}`. */
export function toUpdatedIdentity(identity: Identity): UpdatedIdentity {
  return {
    id: identity.id,
    name: identity.name,
    orgId: identity.organizationId,
    hasDeleteProtection: identity.hasDeleteProtection,
    metadata: identity.metadata,
    ...audiencesOf(identity),
    createdAt: identity.createdAt,
    updatedAt: identity.updatedAt,
  };
}

/**
 * Infisical's organization membership of the identity (`GET` one, list, search). An identity
 * belongs to exactly one organization and has no separate membership record, so the membership's
 * id is the identity's id; org roles are built in, so `customRole` is always null.
 */
export function toIdentityMembership(identity: Identity): IdentityMembership {
  return {
    id: identity.id,
    orgId: identity.organizationId,
    role: identity.role,
    customRole: null,
    metadata: identity.metadata,
    lastLoginAuthMethod: identity.lastLoginAuthMethod,
    lastLoginTime: identity.lastLoginTime,
    ...audiencesOf(identity),
    createdAt: identity.createdAt,
    updatedAt: identity.updatedAt,
    identity: {
      id: identity.id,
      name: identity.name,
      authMethods: identity.authMethods,
      hasDeleteProtection: identity.hasDeleteProtection,
    },
  };
}

export function toIdentityMembershipList(list: {
  identities: Identity[];
  totalCount: number;
  nextOffset: number | null;
  truncated: boolean;
}) {
  return { ...list, identities: list.identities.map(toIdentityMembership) };
}
