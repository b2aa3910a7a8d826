import {
  auditDeviceListSchema,
  accessTokenBodySchema,
  accessTokenResponseSchema,
  addOrgUserInputSchema,
  attachOciAuthInputSchema,
  attachTokenAuthInputSchema,
  createTokenAuthTokenInputSchema,
  createTokenAuthTokenResponseSchema,
  identityTokenAuthResponseSchema,
  introspectionRequestSchema,
  introspectionResponseSchema,
  rotateSigningKeyResponseSchema,
  signingKeyListResponseSchema,
  listTokenAuthTokensInputSchema,
  tokenAuthTokenListResponseSchema,
  tokenAuthTokenResponseSchema,
  tokenIdParamsSchema,
  revokeTokenAuthTokenInputSchema,
  updateTokenAuthInputSchema,
  updateTokenAuthTokenInputSchema,
  auditEventListResponseSchema,
  exportAuditEventsQuerySchema,
  revokeAllAccessTokensInputSchema,
  revokeAllAccessTokensResponseSchema,
  bootstrapBodySchema,
  bootstrapResponseSchema,
  bootstrapStatusResponseSchema,
  changeOwnPasswordBodySchema,
  createIdentityInputSchema,
  createOrganizationBodySchema,
  identityDetailsResponseSchema,
  organizationIdParamsSchema,
  organizationListResponseSchema,
  organizationResponseSchema,
  updateOrganizationInputSchema,
  updateOrganizationResponseSchema,
  whoAmIInputSchema,
  createIdentityResponseSchema,
  deleteIdentityResponseSchema,
  identityAccessTokenListResponseSchema,
  identityIdParamsSchema,
  identityListResponseSchema,
  identityMembershipListResponseSchema,
  identityMembershipResponseSchema,
  identityOciAuthResponseSchema,
  identityResponseSchema,
  listAuditEventsQuerySchema,
  listIdentitiesInputSchema,
  listIdentityAccessTokensInputSchema,
  ociLoginBodySchema,
  ociChallengeInputSchema,
  ociChallengeResponseSchema,
  ociPrincipalLoginBodySchema,
  okResponseSchema,
  orgUserListResponseSchema,
  orgUserParamsSchema,
  orgUserResponseSchema,
  listOrgUsersInputSchema,
  resetUserPasswordInputSchema,
  revokeAccessTokenByIdInputSchema,
  revokeAccessTokenByIdResponseSchema,
  revokeTokenResponseSchema,
  searchIdentitiesInputSchema,
  sessionResponseSchema,
  TRPC_CALL_WEIGHT,
  updateIdentityInputSchema,
  updateIdentityResponseSchema,
  updateOciAuthInputSchema,
  updateOrgUserRoleInputSchema,
  userLoginBodySchema,
  whoAmIResponseSchema,
} from "@ociauth/schema";
import { exportAudit, listAudit } from "../services/audit/audit-service";
import { listAuditDevices } from "../services/audit/devices/audit-device-service";
import * as account from "../services/bootstrap/bootstrap-service";
import * as identities from "../services/identities/identity-service";
import * as ociAuth from "../services/oci-auth/oci-auth-service";
import * as organizations from "../services/organizations/organization-service";
import { issueOciChallenge } from "../services/oci-auth/oci-challenge-service";
import { loginWithOci } from "../services/oci-auth/oci-login-service";
import { loginWithOciPrincipal } from "../services/oci-auth/oci-principal-login-service";
import * as tokenAuth from "../services/token-auth/token-auth-service";
import * as tokenAdmin from "../services/tokens/token-admin-service";
import * as tokens from "../services/tokens/token-service";
import { introspectToken } from "../services/tokens/introspection-service";
import { INTROSPECTION_PATH } from "../services/keys/discovery";
import { listSigningKeys, rotateSigningKey } from "../services/keys/signing-key-service";
import * as users from "../services/users/user-service";
import { type AnyOperation, defineOperation, fileStreamSchema } from "./define-operation";
import {
  toCreatedIdentity,
  toIdentityMembership,
  toIdentityMembershipList,
  toInfisicalIdentity,
  toUpdatedIdentity,
} from "./identity-views";

const OCI_AUTH_PATH = "/api/v1/auth/oci-auth/identities/:identityId";
const TOKEN_AUTH_PATH = "/api/v1/auth/token-auth/identities/:identityId";
const TOKEN_AUTH_TOKEN_PATH = "/api/v1/auth/token-auth/tokens/:tokenId";
const IDENTITY_PATH = "/api/v1/identities/:identityId";
const ORG_USERS_PATH = "/api/v1/organizations/:organizationId/users";
/**
 * Infisical's organization paths: `/api/v1/organization` (singular) to list, read and update;
 * `/api/v2/organizations` to create, also served as `/api/v1/organizations` beside the users' paths.
 */
const ORGANIZATION_PATH = "/api/v1/organization/:organizationId";
const ORG_USER_PATH = `${ORG_USERS_PATH}/:userId`;

/**
 * Every operation of the API, once: `<group>.<name>` is its tRPC procedure, `rest` its
 * Infisical-compatible REST endpoint (if it has one), `input`/`output` its schemas and `handler`
 * the service function that does the work. The tRPC router, the REST dispatch and the OpenAPI
 * document are all built from this table.
 */
export const operations = {
  ociAuth: {
    login: defineOperation({
      weight: TRPC_CALL_WEIGHT.login,
      kind: "mutation",
      auth: false,
      input: ociLoginBodySchema,
      output: accessTokenResponseSchema,
      handler: loginWithOci,
      rest: {
        method: "POST",
        path: "/api/v1/auth/oci-auth/login",
        operationId: "loginWithOciAuth",
        summary: "Log in with a signed OCI request and get an access token",
        tag: "OCI Auth",
        errors: ["UNAUTHORIZED", "FORBIDDEN", "RATE_LIMITED", "BAD_GATEWAY"],
      },
    }),
    attach: defineOperation({
      kind: "mutation",
      auth: true,
      input: attachOciAuthInputSchema,
      output: identityOciAuthResponseSchema,
      handler: ociAuth.attachOciAuth,
      rest: {
        method: "POST",
        path: OCI_AUTH_PATH,
        operationId: "attachOciAuth",
        summary: "Attach OCI auth to an identity",
        tag: "OCI Auth",
      },
    }),
    get: defineOperation({
      kind: "query",
      auth: true,
      input: identityIdParamsSchema,
      output: identityOciAuthResponseSchema,
      handler: ociAuth.getOciAuth,
      rest: {
        method: "GET",
        path: OCI_AUTH_PATH,
        operationId: "getOciAuth",
        summary: "Retrieve the OCI auth configuration of an identity",
        tag: "OCI Auth",
      },
    }),
    update: defineOperation({
      kind: "mutation",
      auth: true,
      input: updateOciAuthInputSchema,
      output: identityOciAuthResponseSchema,
      handler: ociAuth.updateOciAuth,
      rest: {
        method: "PATCH",
        path: OCI_AUTH_PATH,
        operationId: "updateOciAuth",
        summary: "Update the OCI auth configuration of an identity (omitted fields stay unchanged)",
        tag: "OCI Auth",
      },
    }),
    revoke: defineOperation({
      kind: "mutation",
      auth: true,
      input: identityIdParamsSchema,
      output: identityOciAuthResponseSchema,
      handler: ociAuth.revokeOciAuth,
      rest: {
        method: "DELETE",
        path: OCI_AUTH_PATH,
        operationId: "deleteOciAuth",
        summary: "Revoke OCI auth from an identity (and every token it issued)",
        tag: "OCI Auth",
      },
    }),
    challenge: defineOperation({
      kind: "mutation",
      auth: false,
      input: ociChallengeInputSchema,
      output: ociChallengeResponseSchema,
      handler: issueOciChallenge,
      rest: {
        method: "POST",
        path: "/api/v1/auth/oci-auth/challenge",
        operationId: "createOciAuthChallenge",
        summary: "Get a single-use challenge for a principal login (valid 5 minutes)",
        tag: "OCI Auth",
        errors: ["RATE_LIMITED"],
      },
    }),
    loginPrincipal: defineOperation({
      weight: TRPC_CALL_WEIGHT.login,
      kind: "mutation",
      auth: false,
      input: ociPrincipalLoginBodySchema,
      output: accessTokenResponseSchema,
      handler: loginWithOciPrincipal,
      rest: {
        method: "POST",
        path: "/api/v1/auth/oci-auth/login/principal",
        operationId: "loginWithOciPrincipal",
        summary: "Log in as an OCI instance principal, resource principal or API-key user with a challenge-bound request that OCI verifies",
        tag: "OCI Auth",
        errors: ["UNAUTHORIZED", "FORBIDDEN", "RATE_LIMITED", "BAD_GATEWAY"],
      },
    }),
  },

  /** Token Auth (Infisical's): operators mint named access tokens for an identity. */
  tokenAuth: {
    attach: defineOperation({
      kind: "mutation",
      auth: true,
      input: attachTokenAuthInputSchema,
      output: identityTokenAuthResponseSchema,
      handler: tokenAuth.attachTokenAuth,
      rest: {
        method: "POST",
        path: TOKEN_AUTH_PATH,
        operationId: "attachTokenAuth",
        summary: "Attach Token Auth to an identity",
        tag: "Token Auth",
      },
    }),
    get: defineOperation({
      kind: "query",
      auth: true,
      input: identityIdParamsSchema,
      output: identityTokenAuthResponseSchema,
      handler: tokenAuth.getTokenAuth,
      rest: {
        method: "GET",
        path: TOKEN_AUTH_PATH,
        operationId: "getTokenAuth",
        summary: "Retrieve the Token Auth configuration of an identity",
        tag: "Token Auth",
      },
    }),
    update: defineOperation({
      kind: "mutation",
      auth: true,
      input: updateTokenAuthInputSchema,
      output: identityTokenAuthResponseSchema,
      handler: tokenAuth.updateTokenAuth,
      rest: {
        method: "PATCH",
        path: TOKEN_AUTH_PATH,
        operationId: "updateTokenAuth",
        summary: "Update the Token Auth configuration of an identity (omitted fields stay unchanged)",
        tag: "Token Auth",
      },
    }),
    revoke: defineOperation({
      kind: "mutation",
      auth: true,
      input: identityIdParamsSchema,
      output: identityTokenAuthResponseSchema,
      handler: tokenAuth.revokeTokenAuth,
      rest: {
        method: "DELETE",
        path: TOKEN_AUTH_PATH,
        operationId: "deleteTokenAuth",
        summary: "Revoke Token Auth from an identity (and every token it minted)",
        tag: "Token Auth",
      },
    }),
    createToken: defineOperation({
      kind: "mutation",
      auth: true,
      input: createTokenAuthTokenInputSchema,
      output: createTokenAuthTokenResponseSchema,
      handler: tokenAuth.createTokenAuthToken,
      rest: {
        method: "POST",
        path: `${TOKEN_AUTH_PATH}/tokens`,
        operationId: "createTokenAuthToken",
        summary: "Create an access token for an identity with Token Auth (shown once)",
        tag: "Token Auth",
      },
    }),
    listTokens: defineOperation({
      weight: TRPC_CALL_WEIGHT.list,
      kind: "query",
      auth: true,
      input: listTokenAuthTokensInputSchema,
      output: tokenAuthTokenListResponseSchema,
      handler: tokenAuth.listTokenAuthTokens,
      rest: {
        method: "GET",
        path: `${TOKEN_AUTH_PATH}/tokens`,
        operationId: "getTokenAuthTokens",
        summary: "List the Token Auth tokens of an identity (newest first; never the tokens themselves)",
        tag: "Token Auth",
      },
    }),
    updateToken: defineOperation({
      kind: "mutation",
      auth: true,
      input: updateTokenAuthTokenInputSchema,
      output: tokenAuthTokenResponseSchema,
      handler: tokenAuth.updateTokenAuthToken,
      rest: {
        method: "PATCH",
        path: TOKEN_AUTH_TOKEN_PATH,
        operationId: "updateTokenAuthToken",
        summary: "Rename a Token Auth token",
        tag: "Token Auth",
      },
    }),
    getToken: defineOperation({
      kind: "query",
      auth: true,
      input: tokenIdParamsSchema,
      output: tokenAuthTokenResponseSchema,
      handler: tokenAuth.getTokenAuthToken,
      rest: {
        method: "GET",
        path: TOKEN_AUTH_TOKEN_PATH,
        operationId: "getTokenAuthToken",
        summary: "Retrieve one Token Auth token (never its secret)",
        tag: "Token Auth",
      },
    }),
    revokeToken: defineOperation({
      kind: "mutation",
      auth: true,
      input: revokeTokenAuthTokenInputSchema,
      output: revokeTokenResponseSchema,
      handler: tokenAuth.revokeTokenAuthToken,
      rest: {
        method: "POST",
        path: `${TOKEN_AUTH_TOKEN_PATH}/revoke`,
        operationId: "revokeTokenAuthToken",
        summary: "Revoke a Token Auth token",
        tag: "Token Auth",
      },
    }),
  },

  tokens: {
    renew: defineOperation({
      kind: "mutation",
      auth: false,
      input: accessTokenBodySchema,
      output: accessTokenResponseSchema,
      handler: tokens.renewAccessToken,
      rest: {
        method: "POST",
        path: "/api/v1/auth/token/renew",
        operationId: "renewAccessToken",
        summary: "Renew an access token within its max TTL",
        tag: "Access Tokens",
        errors: ["UNAUTHORIZED", "TOKEN", "FORBIDDEN"],
      },
    }),
    revoke: defineOperation({
      kind: "mutation",
      auth: false,
      input: accessTokenBodySchema,
      output: revokeTokenResponseSchema,
      handler: tokens.revokeAccessToken,
      rest: {
        method: "POST",
        path: "/api/v1/auth/token/revoke",
        operationId: "revokeAccessToken",
        summary: "Revoke an access token",
        tag: "Access Tokens",
        errors: ["UNAUTHORIZED", "TOKEN", "FORBIDDEN"],
      },
    }),
    /**
     * RFC 7662 introspection for resource servers (their own token as Bearer, viewer or more):
     * `{active: false}` for any token that cannot be used; an active answer counts one use.
     */
    introspect: defineOperation({
      kind: "mutation",
      auth: true,
      input: introspectionRequestSchema,
      output: introspectionResponseSchema,
      handler: introspectToken,
      rest: {
        method: "POST",
        path: INTROSPECTION_PATH,
        operationId: "introspectAccessToken",
        summary:
          "Introspect an access token (RFC 7662, form-encoded or JSON): its claims and remaining uses, or active false; counts one use of it",
        tag: "Access Tokens",
        formBody: true,
      },
    }),
    /** An identity's issued access tokens (the dashboard). */
    list: defineOperation({
      weight: TRPC_CALL_WEIGHT.list,
      kind: "query",
      auth: true,
      input: listIdentityAccessTokensInputSchema,
      output: identityAccessTokenListResponseSchema,
      handler: tokenAdmin.listIdentityAccessTokens,
    }),
    /** Revokes one issued token by its id (the dashboard); writes `revoke-identity-access-token`. */
    revokeById: defineOperation({
      kind: "mutation",
      auth: true,
      input: revokeAccessTokenByIdInputSchema,
      output: revokeAccessTokenByIdResponseSchema,
      handler: tokenAdmin.revokeAccessTokenById,
    }),
    /** Revokes every token of an identity at once (the dashboard); writes `revoke-all-identity-access-tokens`. */
    revokeAllForIdentity: defineOperation({
      kind: "mutation",
      auth: true,
      input: revokeAllAccessTokensInputSchema,
      output: revokeAllAccessTokensResponseSchema,
      handler: tokenAdmin.revokeAllAccessTokens,
      rest: {
        method: "POST",
        path: "/api/v1/identities/:identityId/access-tokens/revoke-all",
        operationId: "revokeAllIdentityAccessTokens",
        summary: "Revoke every access token of a machine identity",
        tag: "Access Tokens",
      },
    }),
  },

  /** tRPC answers with our flat identity; REST with Infisical's shapes (the views). */
  identities: {
    create: defineOperation({
      kind: "mutation",
      auth: true,
      input: createIdentityInputSchema,
      output: identityResponseSchema,
      handler: identities.createIdentity,
      rest: {
        method: "POST",
        path: "/api/v1/identities",
        operationId: "createIdentity",
        summary: "Create a machine identity (role default no-access)",
        tag: "Identities",
        view: { response: createIdentityResponseSchema, present: ({ identity }) => ({ identity: toCreatedIdentity(identity) }) },
      },
    }),
    list: defineOperation({
      weight: TRPC_CALL_WEIGHT.list,
      kind: "query",
      auth: true,
      input: listIdentitiesInputSchema,
      output: identityListResponseSchema,
      handler: identities.listIdentities,
      rest: {
        method: "GET",
        path: "/api/v1/identities",
        operationId: "listIdentities",
        summary: "List the machine identities of an organization (newest first)",
        tag: "Identities",
        view: { response: identityMembershipListResponseSchema, present: toIdentityMembershipList },
      },
    }),
    search: defineOperation({
      weight: TRPC_CALL_WEIGHT.list,
      kind: "query",
      auth: true,
      input: searchIdentitiesInputSchema,
      output: identityListResponseSchema,
      handler: identities.searchIdentities,
      rest: {
        method: "POST",
        path: "/api/v1/identities/search",
        operationId: "searchIdentities",
        summary: "Search machine identities by name and role",
        tag: "Identities",
        view: { response: identityMembershipListResponseSchema, present: toIdentityMembershipList },
      },
    }),
    /** Infisical's identity details: the calling identity's organization (Terraform's infisical_identity_details). */
    details: defineOperation({
      kind: "query",
      auth: true,
      output: identityDetailsResponseSchema,
      handler: organizations.getIdentityDetails,
      rest: {
        method: "GET",
        path: "/api/v1/identities/details",
        operationId: "getIdentityDetails",
        summary: "Get the calling machine identity's organization (id, name, slug); identity access tokens only",
        tag: "Identities",
      },
    }),
    get: defineOperation({
      kind: "query",
      auth: true,
      input: identityIdParamsSchema,
      output: identityResponseSchema,
      handler: identities.getIdentity,
      rest: {
        method: "GET",
        path: IDENTITY_PATH,
        operationId: "getIdentity",
        summary: "Get a machine identity (its organization membership)",
        tag: "Identities",
        view: { response: identityMembershipResponseSchema, present: ({ identity }) => ({ identity: toIdentityMembership(identity) }) },
      },
    }),
    update: defineOperation({
      kind: "mutation",
      auth: true,
      input: updateIdentityInputSchema,
      output: identityResponseSchema,
      handler: identities.updateIdentity,
      rest: {
        method: "PATCH",
        path: IDENTITY_PATH,
        operationId: "updateIdentity",
        summary: "Update a machine identity: name, role, metadata, delete protection",
        tag: "Identities",
        view: { response: updateIdentityResponseSchema, present: ({ identity }) => ({ identity: toUpdatedIdentity(identity) }) },
      },
    }),
    delete: defineOperation({
      kind: "mutation",
      auth: true,
      input: identityIdParamsSchema,
      output: identityResponseSchema,
      handler: identities.deleteIdentity,
      rest: {
        method: "DELETE",
        path: IDENTITY_PATH,
        operationId: "deleteIdentity",
        summary: "Delete a machine identity with its auth configuration and tokens (refused while delete-protected)",
        tag: "Identities",
        view: { response: deleteIdentityResponseSchema, present: ({ identity }) => ({ identity: toInfisicalIdentity(identity) }) },
      },
    }),
  },

  bootstrap: {
    status: defineOperation({ kind: "query", auth: false, output: bootstrapStatusResponseSchema, handler: account.bootstrapStatus }),
    setup: defineOperation({
      weight: TRPC_CALL_WEIGHT.login,
      kind: "mutation",
      auth: false,
      input: bootstrapBodySchema,
      output: bootstrapResponseSchema,
      handler: account.bootstrapInstance,
      rest: {
        method: "POST",
        path: "/api/v1/admin/bootstrap",
        operationId: "bootstrapInstance",
        summary: "First run: create the admin user, organization and admin identity",
        tag: "Admin",
        errors: ["RATE_LIMITED"],
      },
    }),
  },

  /** The instance's token signing keys (admins of any organization: the keys are instance-wide). */
  signingKeys: {
    list: defineOperation({
      kind: "query",
      auth: true,
      output: signingKeyListResponseSchema,
      handler: listSigningKeys,
      rest: {
        method: "GET",
        path: "/api/v1/admin/signing-keys",
        operationId: "listSigningKeys",
        summary: "List the token signing keys, newest first, with their state and live tokens (admins)",
        tag: "Admin",
      },
    }),
    rotate: defineOperation({
      kind: "mutation",
      auth: true,
      output: rotateSigningKeyResponseSchema,
      handler: rotateSigningKey,
      rest: {
        method: "POST",
        path: "/api/v1/admin/signing-keys/rotate",
        operationId: "rotateSigningKey",
        summary: "Start signing with a new key now; the previous one stays published while its tokens live (admins)",
        tag: "Admin",
      },
    }),
  },

  auth: {
    login: defineOperation({
      weight: TRPC_CALL_WEIGHT.login,
      kind: "mutation",
      auth: false,
      input: userLoginBodySchema,
      output: sessionResponseSchema,
      handler: account.loginUser,
      rest: {
        method: "POST",
        path: "/api/v1/auth/login",
        operationId: "loginUser",
        summary: "Log a dashboard user in (email and password)",
        tag: "Users",
        errors: ["UNAUTHORIZED", "RATE_LIMITED"],
      },
    }),
    logout: defineOperation({ kind: "mutation", auth: true, output: okResponseSchema, handler: account.logoutUser }),
    me: defineOperation({ kind: "query", auth: true, input: whoAmIInputSchema, output: whoAmIResponseSchema, handler: account.whoAmI }),
  },

  /** The users (dashboard operators) of an organization. */
  users: {
    list: defineOperation({
      weight: TRPC_CALL_WEIGHT.list,
      kind: "query",
      auth: true,
      input: listOrgUsersInputSchema,
      output: orgUserListResponseSchema,
      handler: users.listOrgUsers,
      rest: {
        method: "GET",
        path: ORG_USERS_PATH,
        operationId: "listOrganizationUsers",
        summary: "List the users of an organization with their roles (oldest first)",
        tag: "Users",
      },
    }),
    add: defineOperation({
      weight: TRPC_CALL_WEIGHT.login,
      kind: "mutation",
      auth: true,
      input: addOrgUserInputSchema,
      output: orgUserResponseSchema,
      handler: users.addOrgUser,
      rest: {
        method: "POST",
        path: ORG_USERS_PATH,
        operationId: "addOrganizationUser",
        summary: "Add a user to an organization with a role (at most the caller's own)",
        tag: "Users",
      },
    }),
    updateRole: defineOperation({
      kind: "mutation",
      auth: true,
      input: updateOrgUserRoleInputSchema,
      output: orgUserResponseSchema,
      handler: users.updateOrgUserRole,
      rest: {
        method: "PATCH",
        path: ORG_USER_PATH,
        operationId: "updateOrganizationUserRole",
        summary: "Change a user's role (the last admin user cannot be demoted)",
        tag: "Users",
      },
    }),
    remove: defineOperation({
      kind: "mutation",
      auth: true,
      input: orgUserParamsSchema,
      output: orgUserResponseSchema,
      handler: users.removeOrgUser,
      rest: {
        method: "DELETE",
        path: ORG_USER_PATH,
        operationId: "removeOrganizationUser",
        summary: "Remove a user from an organization and end their sessions (not the last admin user)",
        tag: "Users",
      },
    }),
    resetPassword: defineOperation({
      weight: TRPC_CALL_WEIGHT.login,
      kind: "mutation",
      auth: true,
      input: resetUserPasswordInputSchema,
      output: okResponseSchema,
      handler: users.resetUserPassword,
      rest: {
        method: "POST",
        path: `${ORG_USER_PATH}/password`,
        operationId: "resetOrganizationUserPassword",
        summary: "Set another user's password (admins only); that user's sessions end",
        tag: "Users",
      },
    }),
    unlock: defineOperation({
      kind: "mutation",
      auth: true,
      input: orgUserParamsSchema,
      output: okResponseSchema,
      handler: users.unlockOrgUser,
      rest: {
        method: "POST",
        path: `${ORG_USER_PATH}/unlock`,
        operationId: "unlockOrganizationUser",
        summary: "Clear a user's sign-in delay after failed password logins (admins only)",
        tag: "Users",
      },
    }),
    changePassword: defineOperation({
      weight: TRPC_CALL_WEIGHT.login,
      kind: "mutation",
      auth: true,
      input: changeOwnPasswordBodySchema,
      output: okResponseSchema,
      handler: users.changeOwnPassword,
      rest: {
        method: "POST",
        path: "/api/v1/auth/password",
        operationId: "changeOwnPassword",
        summary: "Change the signed-in user's own password (with the current one); their other sessions end",
        tag: "Users",
        errors: ["RATE_LIMITED"],
      },
    }),
  },

  /** Organizations: Infisical's paths and shapes (create is users only: an identity belongs to one organization). */
  organizations: {
    create: defineOperation({
      kind: "mutation",
      auth: true,
      input: createOrganizationBodySchema,
      output: organizationResponseSchema,
      handler: organizations.createOrganization,
      rest: {
        method: "POST",
        path: "/api/v1/organizations",
        operationId: "createOrganization",
        aliases: [{ path: "/api/v2/organizations", operationId: "createOrganizationV2" }],
        summary: "Create an organization; the signed-in user becomes its admin (users only, not machine identities)",
        tag: "Organizations",
      },
    }),
    list: defineOperation({
      kind: "query",
      auth: true,
      output: organizationListResponseSchema,
      handler: organizations.listOrganizations,
      rest: {
        method: "GET",
        path: "/api/v1/organization",
        operationId: "listOrganizations",
        summary: "List the caller's organizations with its role in each (an identity: its own)",
        tag: "Organizations",
      },
    }),
    get: defineOperation({
      kind: "query",
      auth: true,
      input: organizationIdParamsSchema,
      output: organizationResponseSchema,
      handler: organizations.getOrganization,
      rest: {
        method: "GET",
        path: ORGANIZATION_PATH,
        operationId: "getOrganizationById",
        summary: "Get an organization the caller belongs to",
        tag: "Organizations",
      },
    }),
    update: defineOperation({
      kind: "mutation",
      auth: true,
      input: updateOrganizationInputSchema,
      output: updateOrganizationResponseSchema,
      handler: organizations.updateOrganization,
      rest: {
        method: "PATCH",
        path: ORGANIZATION_PATH,
        operationId: "updateOrganization",
        summary: "Rename an organization or change its slug (admins)",
        tag: "Organizations",
      },
    }),
    /** The same operation as `users.add` (POST /api/v1/organizations/:organizationId/users), under its first tRPC name. */
    addUser: defineOperation({
      weight: TRPC_CALL_WEIGHT.login,
      kind: "mutation",
      auth: true,
      input: addOrgUserInputSchema,
      output: orgUserResponseSchema,
      handler: users.addOrgUser,
    }),
  },

  audit: {
    list: defineOperation({
      weight: TRPC_CALL_WEIGHT.list,
      kind: "query",
      auth: true,
      input: listAuditEventsQuerySchema,
      output: auditEventListResponseSchema,
      handler: listAudit,
      rest: {
        method: "GET",
        path: "/api/v1/audit-logs",
        operationId: "listAuditLogs",
        summary: "List audit events of an organization",
        tag: "Audit Logs",
      },
    }),
    /** The same filters as `list`, every match as one CSV or JSON-lines file: REST only, a streamed download. */
    export: defineOperation({
      kind: "stream",
      auth: true,
      input: exportAuditEventsQuerySchema,
      output: fileStreamSchema,
      handler: exportAudit,
      rest: {
        method: "GET",
        path: "/api/v1/audit-logs/export",
        operationId: "exportAuditLogs",
        summary: "Export the matching audit events as CSV or JSON lines (a file download)",
        tag: "Audit Logs",
        stream: { mediaTypes: "text/csv for format=csv, application/x-ndjson for format=jsonl" },
      },
    }),
  },

  /** Where audit events are streamed besides the database, with their health (admins: instance-wide). */
  auditDevices: {
    list: defineOperation({
      kind: "query",
      auth: true,
      output: auditDeviceListSchema,
      handler: listAuditDevices,
      rest: {
        method: "GET",
        path: "/api/v1/admin/audit-devices",
        operationId: "listAuditDevices",
        summary: "List the audit devices with their state, lag and last error (admins)",
        tag: "Admin",
      },
    }),
  },

  health: {
    ping: defineOperation({ kind: "query", auth: false, output: okResponseSchema, handler: async () => ({ ok: true as const }) }),
  },
};

export type Operations = typeof operations;

/** Each operation with its tRPC name (`group.name`), in the table's order. */
export const operationList: { name: string; operation: AnyOperation }[] = Object.entries(operations).flatMap(([group, members]) =>
  Object.entries(members).map(([name, operation]) => ({ name: `${group}.${name}`, operation: operation as AnyOperation })),
);
