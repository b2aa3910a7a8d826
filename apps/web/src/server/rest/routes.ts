import {
  addOrgUserBodySchema,
  attachOciAuthBodySchema,
  auditEventListResponseSchema,
  bootstrapBodySchema,
  accessTokenBodySchema,
  accessTokenResponseSchema,
  bootstrapResponseSchema,
  createIdentityBodySchema,
  idSchema,
  identityIdParamsSchema,
  identityListResponseSchema,
  identityOciAuthResponseSchema,
  identityResponseSchema,
  listAuditEventsQuerySchema,
  listIdentitiesQuerySchema,
  ociLoginBodySchema,
  orgUserResponseSchema,
  revokeTokenResponseSchema,
  sessionResponseSchema,
  updateIdentityBodySchema,
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

const OCI_AUTH_PATH = "/api/v1/auth/oci-auth/identities/:identityId";
const IDENTITY_PATH = "/api/v1/identities/:identityId";

/** Infisical-compatible REST endpoints. Each calls the same service as its tRPC procedure. */
export const restRoutes: RestRoute[] = [
  defineRoute({
    method: "POST", path: "/api/v1/auth/oci-auth/login", auth: false,
    body: ociLoginBodySchema, response: accessTokenResponseSchema,
    handle: (ctx, { body }) => loginWithOci(ctx, body),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/auth/token/renew", auth: false,
    body: accessTokenBodySchema, response: accessTokenResponseSchema,
    handle: (ctx, { body }) => tokens.renewAccessToken(ctx, body.accessToken),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/auth/token/revoke", auth: false,
    body: accessTokenBodySchema, response: revokeTokenResponseSchema,
    handle: (ctx, { body }) => tokens.revokeAccessToken(ctx, body.accessToken),
  }),
  defineRoute({
    method: "POST", path: OCI_AUTH_PATH, auth: true,
    params: identityIdParamsSchema, body: attachOciAuthBodySchema, response: identityOciAuthResponseSchema,
    handle: async (ctx, { params, body }) => ({ identityOciAuth: await ociAuth.attachOciAuth(ctx, params.identityId, body) }),
  }),
  defineRoute({
    method: "GET", path: OCI_AUTH_PATH, auth: true,
    params: identityIdParamsSchema, response: identityOciAuthResponseSchema,
    handle: async (ctx, { params }) => ({ identityOciAuth: await ociAuth.getOciAuth(ctx, params.identityId) }),
  }),
  defineRoute({
    method: "PATCH", path: OCI_AUTH_PATH, auth: true,
    params: identityIdParamsSchema, body: updateOciAuthBodySchema, response: identityOciAuthResponseSchema,
    handle: async (ctx, { params, body }) => ({ identityOciAuth: await ociAuth.updateOciAuth(ctx, params.identityId, body) }),
  }),
  defineRoute({
    method: "DELETE", path: OCI_AUTH_PATH, auth: true,
    params: identityIdParamsSchema, response: identityOciAuthResponseSchema,
    handle: async (ctx, { params }) => ({ identityOciAuth: await ociAuth.revokeOciAuth(ctx, params.identityId) }),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/identities", auth: true,
    body: createIdentityBodySchema, response: identityResponseSchema,
    handle: async (ctx, { body }) => ({ identity: await identities.createIdentity(ctx, body) }),
  }),
  defineRoute({
    method: "GET", path: "/api/v1/identities", auth: true,
    query: listIdentitiesQuerySchema, response: identityListResponseSchema,
    handle: (ctx, { query }) => identities.listIdentities(ctx, query),
  }),
  defineRoute({
    method: "GET", path: IDENTITY_PATH, auth: true,
    params: identityIdParamsSchema, response: identityResponseSchema,
    handle: async (ctx, { params }) => ({ identity: await identities.getIdentity(ctx, params.identityId) }),
  }),
  defineRoute({
    method: "PATCH", path: IDENTITY_PATH, auth: true,
    params: identityIdParamsSchema, body: updateIdentityBodySchema, response: identityResponseSchema,
    handle: async (ctx, { params, body }) => ({ identity: await identities.updateIdentity(ctx, params.identityId, body) }),
  }),
  defineRoute({
    method: "DELETE", path: IDENTITY_PATH, auth: true,
    params: identityIdParamsSchema, response: identityResponseSchema,
    handle: async (ctx, { params }) => ({ identity: await identities.deleteIdentity(ctx, params.identityId) }),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/admin/bootstrap", auth: false,
    body: bootstrapBodySchema, response: bootstrapResponseSchema,
    handle: (ctx, { body }) => account.bootstrapInstance(ctx, body),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/auth/login", auth: false,
    body: userLoginBodySchema, response: sessionResponseSchema,
    handle: (ctx, { body }) => account.loginUser(ctx, body),
  }),
  defineRoute({
    method: "POST", path: "/api/v1/organizations/:organizationId/users", auth: true,
    params: z.strictObject({ organizationId: idSchema("organizationId") }), body: addOrgUserBodySchema,
    response: orgUserResponseSchema,
    handle: (ctx, { params, body }) => account.addOrgUser(ctx, params.organizationId, body),
  }),
  defineRoute({
    method: "GET", path: "/api/v1/audit-logs", auth: true,
    query: listAuditEventsQuerySchema, response: auditEventListResponseSchema,
    handle: (ctx, { query }) => listAudit(ctx, query),
  }),
];
