const IP_NOT_ALLOWED = "You are not allowed to access this resource from the current IP address";
const USERNAME_NOT_ALLOWED = "Access denied: OCI account username not allowed.";
const OCI_AUTH_ALREADY_ATTACHED = "Failed to add OCI Auth to already configured identity";

/** Every user-facing validation and error message, so the API, the dashboard and tests agree. */
export const messages = {
  tenancyEmpty: "Tenancy OCID cannot be empty.",
  tenancyFormat: "Invalid Tenancy OCID format. Must start with ocid1.tenancy.oc1.",
  usernamesTooLong: "Input exceeds the maximum limit of 500 characters",
  usernamesInvalid: "One or more usernames are invalid",
  trustedIpInvalid: "The IP is not a valid IPv4, IPv6, or CIDR block",
  ttlAboveMax: "Access Token TTL cannot be greater than Access Token Max TTL.",
  dateRequired: "Either date or x-date must be provided",
  invalidHeaderValue: (name: string) =>
    `Invalid "${name}" header: control characters (such as NUL, CR or LF) and characters above U+00FF are not allowed in header values.`,
  ociAuthAlreadyAttached: OCI_AUTH_ALREADY_ATTACHED,
  ociAuthNotAttached: "The identity does not have OCI Auth attached",
  tokenAuthAlreadyAttached: "Failed to add Token Auth to already configured identity",
  tokenAuthNotAttached: "The identity does not have Token Auth",
  tokenAuthConfigNotFound: "Token Auth configuration not found for identity",
  tokenAuthTokenNotFound: (tokenId: string) => `Token with ID ${tokenId} not found`,
  tokenAuthTokenNotFoundOrRevoked: (tokenId: string) => `Token with ID ${tokenId} not found or already revoked`,
  ociAuthNotFoundForLogin: "OCI auth method not found for identity, did you configure OCI auth?",
  invalidOciHost: "Invalid OCI host format. Expected format: identity.<region>.oraclecloud.com",
  tenancyNotAllowed: "Access denied: OCI account isn't part of tenancy.",
  usernameNotAllowed: USERNAME_NOT_ALLOWED,
  ipNotAllowed: IP_NOT_ALLOWED,
  tokenMissing: "Token missing",
  tokenInvalid: "The provided access token is malformed. Please use a valid token or generate a new one and try again.",
  tokenExpired: "Your token has expired. Please re-authenticate.",
  tokenRevoked: "Failed to authorize: token has been revoked",
  tokenUsageLimit: "Failed to authorize: token usage limit reached",
  /** A valid token whose audience is another service (it was asked for at login): not for this API. */
  tokenForAnotherAudience:
    "The provided access token is for another service (its aud claim is not this service): log in again without audience for a token this API accepts",
  tokenRevokedMessage: "Successfully revoked access token",
  alreadyBootstrapped: "Instance has already been set up",
  invalidCredentials: "Invalid email or password",
  pathParamMismatch: (name: string) => `${name} must equal the ${name} in the path (or be left out)`,
  identityNotFound: (id: string) => `Failed to find identity with ID ${id}`,
  organizationNotFound: (id: string) => `Failed to find organization with ID ${id}`,
  organizationSlugTaken: (slug: string) => `An organization with the slug "${slug}" already exists: choose another slug`,
  /** Login with an `organizationSlug` no organization has (Infisical: "Sub organization with slug … not found"). */
  loginOrganizationNotFound: (slug: string) => `Organization with slug ${slug} not found`,
  /** Login with another organization's slug (Infisical: "Identity not authorized to access sub organization …"). */
  loginOrganizationDenied: (slug: string) => `Identity not authorized to access organization ${slug}`,
  loginAudienceDenied: (audience: string) =>
    `Audience ${audience} is not allowed for this identity: add it to the identity's allowedAudiences, or leave audience out for a token for this service`,
  signingKeysNeedAdmin:
    "Only an admin may list or rotate the signing keys (they are instance-wide): use a user or identity with the admin role in an organization",
  auditDevicesNeedAdmin:
    "Only an admin may see the audit devices (they are instance-wide): use a user or identity with the admin role in an organization",
  introspectionNeedsViewer:
    "Introspecting tokens needs at least the viewer role: call with the token of an identity (or user) that has viewer, member or admin in the organization",
  organizationUpdated: "Successfully changed organization name",
  organizationEditDenied: "You are not allowed to edit this organization: only its admins may rename it or change its slug",
  identityCreatesOrganization: "Machine identities cannot create organizations: a signed-in user creates one and becomes its admin",
  identityDetailsNeedsIdentity: "Only a machine identity access token has identity details: call this with an identity's token",
  identityDeleteProtected: "Cannot delete identity while delete protection is enabled",
  userNotFound: (id: string) => `Failed to find user with ID ${id} in this organization`,
  userEmailTaken: "A user with this email already exists",
  lastAdmin: "An organization needs at least one admin user: make another user admin first, then remove or demote this one",
  currentPasswordEmpty: "Current password cannot be empty",
  currentPasswordWrong: "Current password is incorrect",
  newPasswordSameAsCurrent: "New password must differ from the current password",
  passwordChangeNeedsUser: "Only a signed-in user can change their own password; machine identities have no password",
  userActionDenied: (action: string) => `You are not allowed to ${action} users`,
  userBoundary: (action: string) => `Failed to ${action} user with more privileged role`,
  machineManagesHumans:
    "Machine identities cannot manage human users' credentials or admin role (add users, reset passwords, clear sign-in delays, give or take the admin role, remove admins): a human admin must do it, signed in to the dashboard or with their own session token",
  resetOwnPassword: "To change your own password, use POST /api/v1/auth/password with your current password",

  // ---------- Refusals that say what to do: Infisical's wording first (clients match on it), then the fix ----------
  /** A token used from an address outside the identity's trusted IPs; `ip` is the address the server saw. */
  ipNotAllowedFrom: (ip: string | null) =>
    `${IP_NOT_ALLOWED} (the server saw ${ip ?? "no address"}). Add it to the identity's trusted IPs; if this server is behind a proxy or load balancer and that is the proxy's address, list the proxy in TRUSTED_PROXIES so the server sees the client's address.`,
  /** OCI verified the signature, but the signing user is not in the identity's allowed usernames. */
  usernameNotAllowedFor: (username: string) =>
    `${USERNAME_NOT_ALLOWED} "${username}" is not in the identity's allowed usernames: add it to allowedUsernames in the identity's OCI auth settings, or sign with a user that is listed.`,
  /** Attach on an identity that already has OCI auth. */
  ociAuthAlreadyAttachedUseUpdate: (identityId: string) =>
    `${OCI_AUTH_ALREADY_ATTACHED}. To change its settings, update them instead: PATCH /api/v1/auth/oci-auth/identities/${identityId} (tRPC ociAuth.update, or Edit in the dashboard).`,
} as const;
