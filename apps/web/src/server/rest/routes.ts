import {
  addOrgUserBodySchema,
  attachOciAuthBodySchema,
  auditEventListResponseSchema,
  bootstrapBodySchema,
  accessTokenBodySchema,
  accessTokenResponseSchema,
  bootstrapResponseSchema,
  createIdentityBodySchema,
  createIdentityResponseSchema,
  deleteIdentityResponseSchema,
  idSchema,
  identityIdParamsSchema,
  identityMembershipListResponseSchema,
  identityMembershipResponseSchema,
  identityOciAuthResponseSchema,
  listAuditEventsQuerySchema,
  listIdentitiesQuerySchema,
  ociLoginBodySchema,
  orgUserResponseSchema,
  revokeTokenResponseSchema,
  searchIdentitiesBodySchema,
  sessionResponseSchema,
  updateIdentityBodySchema,
  updateIdentityResponseSchema,
  updateOciAuthBodySchema,
  userLoginBodySchema,
} from "@ociauth/schema";
import { z } from "zod";
import { listAudit } from "../services/audit/audit-service";
import { loginWithOci } from "../services/oci-auth/oci-login-service";
import * as tokens from "../services/tokens/token-service";
import * as account from "../services/bootstrap/bootstrap-service";
import * as identities from "../services/identities/identity-service";
import * as ociAuth from "../services/oci-auth/oci-auth-service";
import { defineRoute, type RestRoute } from "./define-route";
import { toCreatedIdentity, toIdentityMembership, toIdentityMembershipList, toInfisicalIdentity, toUpdatedIdentity } from "./identity-shapes";

const OCI_AUTH_PATH = "/api/v1/auth/oci-auth/identities/:identityId";
const IDENTITY_PATH = "/api/v1/identities/:identityId";

/** Infisical-compatible REST endpoints. Each calls the same service as its tRPC procedure. */
export const restRoutes: RestRoute[] = [
  defineRoute({
    method: "POST", path: "/api/v1/auth/oci-auth/login", operationId: "loginWithOciAuth", summary: "Log in with a signed OCI request and get an access token", tag: "OCI Auth",
    auth: false,
    body: ociLoginBodySchema, response: accessTokenResponseSchema,
    handle: (ctx, { body }) => loginWithOci(ctx, body),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/auth/token/renew", operationId: "renewAccessToken", summary: "Renew an access token within its max TTL", tag: "Access Tokens",
    auth: false,
    body: accessTokenBodySchema, response: accessTokenResponseSchema,
    handle: (ctx, { body }) => tokens.renewAccessToken(ctx, body.accessToken),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/auth/token/revoke", operationId: "revokeAccessToken", summary: "Revoke an access token", tag: "Access Tokens",
    auth: false,
    body: accessTokenBodySchema, response: revokeTokenResponseSchema,
    handle: (ctx, { body }) => tokens.revokeAccessToken(ctx, body.accessToken),
  }),
  defineRoute({
    method: "POST", path: OCI_AUTH_PATH, operationId: "attachOciAuth", summary: "Attach OCI auth to an identity", tag: "OCI Auth",
    auth: true,
    params: identityIdParamsSchema, body: attachOciAuthBodySchema, response: identityOciAuthResponseSchema,
    handle: async (ctx, { params, body }) => ({ identityOciAuth: await ociAuth.attachOciAuth(ctx, params.identityId, body) }),
  }),
  defineRoute({
    method: "GET", path: OCI_AUTH_PATH, operationId: "getOciAuth", summary: "Retrieve the OCI auth configuration of an identity", tag: "OCI Auth",
    auth: true,
    params: identityIdParamsSchema, response: identityOciAuthResponseSchema,
    handle: async (ctx, { params }) => ({ identityOciAuth: await ociAuth.getOciAuth(ctx, params.identityId) }),
  }),
  defineRoute({
    method: "PATCH", path: OCI_AUTH_PATH, operationId: "updateOciAuth", summary: "Update the OCI auth configuration of an identity (omitted fields stay unchanged)", tag: "OCI Auth",
    auth: true,
    params: identityIdParamsSchema, body: updateOciAuthBodySchema, response: identityOciAuthResponseSchema,
    handle: async (ctx, { params, body }) => ({ identityOciAuth: await ociAuth.updateOciAuth(ctx, params.identityId, body) }),
  }),
  defineRoute({
    method: "DELETE", path: OCI_AUTH_PATH, operationId: "deleteOciAuth", summary: "Revoke OCI auth from an identity (and every token it issued)", tag: "OCI Auth",
    auth: true,
    params: identityIdParamsSchema, response: identityOciAuthResponseSchema,
    handle: async (ctx, { params }) => ({ identityOciAuth: await ociAuth.revokeOciAuth(ctx, params.identityId) }),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/identities", operationId: "createIdentity", summary: "Create a machine identity (role default no-access)", tag: "Identities",
    auth: true,
    body: createIdentityBodySchema, response: createIdentityResponseSchema,
    handle: async (ctx, { body }) => ({ identity: toCreatedIdentity(await identities.createIdentity(ctx, body)) }),
  }),
  defineRoute({
    method: "GET", path: "/api/v1/identities", operationId: "listIdentities", summary: "List the machine identities of an organization (newest first)", tag: "Identities",
    auth: true,
    query: listIdentitiesQuerySchema, response: identityMembershipListResponseSchema,
    handle: async (ctx, { query }) => toIdentityMembershipList(await identities.listIdentities(ctx, query)),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/identities/search", operationId: "searchIdentities", summary: "Search machine identities by name and role", tag: "Identities",
    auth: true,
    body: searchIdentitiesBodySchema, response: identityMembershipListResponseSchema,
    handle: async (ctx, { body }) => toIdentityMembershipList(await identities.searchIdentities(ctx, body)),
  }),
  defineRoute({
    method: "GET", path: IDENTITY_PATH, operationId: "getIdentity", summary: "Get a machine identity (its organization membership)", tag: "Identities",
    auth: true,
    params: identityIdParamsSchema, response: identityMembershipResponseSchema,
    handle: async (ctx, { params }) => ({ identity: toIdentityMembership(await identities.getIdentity(ctx, params.identityId)) }),
  }),
  defineRoute({
    method: "PATCH", path: IDENTITY_PATH, operationId: "updateIdentity", summary: "Update a machine identity: name, role, metadata, delete protection", tag: "Identities",
    auth: true,
    params: identityIdParamsSchema, body: updateIdentityBodySchema, response: updateIdentityResponseSchema,
    handle: async (ctx, { params, body }) => ({ identity: toUpdatedIdentity(await identities.updateIdentity(ctx, params.identityId, body)) }),
  }),
  defineRoute({
    method: "DELETE", path: IDENTITY_PATH, operationId: "deleteIdentity", summary: "Delete a machine identity with its auth configuration and tokens (refused while delete-protected)", tag: "Identities",
    auth: true,
    params: identityIdParamsSchema, response: deleteIdentityResponseSchema,
    handle: async (ctx, { params }) => ({ identity: toInfisicalIdentity(await identities.deleteIdentity(ctx, params.identityId)) }),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/admin/bootstrap", operationId: "bootstrapInstance", summary: "First run: create the admin user, organization and admin identity", tag: "Admin",
    auth: false,
    body: bootstrapBodySchema, response: bootstrapResponseSchema,
    handle: (ctx, { body }) => account.bootstrapInstance(ctx, body),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/auth/login", operationId: "loginUser", summary: "Log a dashboard user in (email and password)", tag: "Users",
    auth: false,
    body: userLoginBodySchema, response: sessionResponseSchema,
    handle: (ctx, { body }) => account.loginUser(ctx, body),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/organizations/:organizationId/users", operationId: "addOrganizationUser", summary: "Add a user to an organization (admins only)", tag: "Users",
    auth: true,
    params: z.strictObject({ organizationId: idSchema("organizationId") }), body: addOrgUserBodySchema,
    response: orgUserResponseSchema,
    handle: (ctx, { params, body }) => account.addOrgUser(ctx, params.organizationId, body),
  }),
  defineRoute({
    method: "GET", path: "/api/v1/audit-logs", operationId: "listAuditLogs", summary: "List audit events of an organization", tag: "Audit Logs",
    auth: true,
    query: listAuditEventsQuerySchema, response: auditEventListResponseSchema,
    handle: (ctx, { query }) => listAudit(ctx, query),
  }),
];
