import type { Identity } from "@ociauth/schema";
import {
  createIdentityResponseSchema,
  deleteIdentityResponseSchema,
  identityMembershipResponseSchema,
  updateIdentityResponseSchema,
} from "@ociauth/schema";
import { describe, expect, it } from "vitest";
import {
  toCreatedIdentity,
  toIdentityMembership,
  toIdentityMembershipList,
  toInfisicalIdentity,
  toUpdatedIdentity,
} from "./identity-views";

const identity: Identity = {
  id: "3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f",
  name: "ci-runner",
  organizationId: "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8f",
  role: "member",
  authMethods: ["oci-auth"],
  hasDeleteProtection: true,
  metadata: [{ id: "0b6c3f1e-0000-4000-8000-000000000001", key: "team", value: "platform" }],
  lastLoginAuthMethod: "oci-auth",
  lastLoginTime: "2026-12-02T10:00:00.000Z",
  allowedAudiences: [],
  createdAt: "2026-12-01T09:00:00.000Z",
  updatedAt: "2026-12-01T09:30:00.000Z",
};

describe("REST identity shapes (Infisical's)", () => {
  it("membership: the identity id is the membership id; role, metadata and last login on the membership", () => {
    const membership = toIdentityMembership(identity);
    expect(membership).toEqual({
      id: identity.id,
      orgId: identity.organizationId,
      role: "member",
      customRole: null,
      metadata: identity.metadata,
      lastLoginAuthMethod: "oci-auth",
      lastLoginTime: "2026-12-02T10:00:00.000Z",
      createdAt: identity.createdAt,
      updatedAt: identity.updatedAt,
      identity: { id: identity.id, name: "ci-runner", authMethods: ["oci-auth"], hasDeleteProtection: true },
    });
    expect(identityMembershipResponseSchema.parse({ identity: membership })).toEqual({ identity: membership });
    const never = { ...identity, lastLoginAuthMethod: null, lastLoginTime: null, authMethods: [], metadata: [] };
    expect(toIdentityMembership(never)).toMatchObject({
      lastLoginAuthMethod: null,
      lastLoginTime: null,
      metadata: [],
      identity: { authMethods: [] },
    });
    expect(toIdentityMembershipList({ identities: [identity, never], totalCount: 7, nextOffset: 2, truncated: false })).toEqual({
      identities: [membership, toIdentityMembership(never)],
      totalCount: 7,
      nextOffset: 2,
      truncated: false,
    });
  });

  it("created, updated and deleted identity: orgId for organizationId, exactly Infisical's keys", () => {
    const base = {
      id: identity.id,
      name: "ci-runner",
      orgId: identity.organizationId,
      hasDeleteProtection: true,
      createdAt: identity.createdAt,
      updatedAt: identity.updatedAt,
    };
    expect(toCreatedIdentity(identity)).toEqual({ ...base, authMethods: ["oci-auth"], metadata: identity.metadata });
    expect(Object.keys(toCreatedIdentity(identity))).toEqual([
      "id",
      "name",
      "orgId",
      "authMethods",
      "hasDeleteProtection",
      "metadata",
      "createdAt",
      "updatedAt",
    ]);
    expect(toUpdatedIdentity(identity)).toEqual({ ...base, metadata: identity.metadata });
    expect(toInfisicalIdentity(identity)).toEqual(base);
    expect(createIdentityResponseSchema.safeParse({ identity: toCreatedIdentity(identity) }).success).toBe(true);
    expect(updateIdentityResponseSchema.safeParse({ identity: toUpdatedIdentity(identity) }).success).toBe(true);
    expect(deleteIdentityResponseSchema.safeParse({ identity: toInfisicalIdentity(identity) }).success).toBe(true);
  });

  it("allowed audiences show in Infisical's shapes only when the identity has some", () => {
    const withAudiences = { ...identity, allowedAudiences: ["billing-api"] };
    expect(toCreatedIdentity(withAudiences).allowedAudiences).toEqual(["billing-api"]);
    expect(toUpdatedIdentity(withAudiences).allowedAudiences).toEqual(["billing-api"]);
    expect(toIdentityMembership(withAudiences).allowedAudiences).toEqual(["billing-api"]);
    expect("allowedAudiences" in toCreatedIdentity(identity)).toBe(false);
    expect("allowedAudiences" in toIdentityMembership(identity)).toBe(false);
    expect(identityMembershipResponseSchema.parse({ identity: toIdentityMembership(withAudiences) }).identity.allowedAudiences).toEqual([
      "billing-api",
    ]);
  });
});
