export { createOciAuthClient, type OciAuthClient, type OciAuthClientOptions } from "./create-client";
export { OciAuthError, type OciAuthIssue, type TokenRefusal, TokenVerificationError } from "./errors";
export { loginWithOci, type OciLoginOptions, type OciLoginResult, type OciUserLoginOptions } from "./oci-login";
export {
  loginWithOciPrincipal,
  type ApiKeyPrincipalLoginOptions,
  type InstancePrincipalLoginOptions,
  type OciPrincipalLoginOptions,
  type ResourcePrincipalLoginOptions,
} from "./oci-principal-login";
export { createOciSession, type OciSession, type OciSessionOptions } from "./oci-session";
export { renewAccessToken, revokeAccessToken, type AccessToken, type AccessTokenResponse } from "./access-tokens";
export { assertOciRegion, OCI_REGION_PATTERN } from "./oci-region";
export { signOciGetUser, type OciGetUserSigningInput, type OciSignedHeaders } from "./oci-signing";
export { loadOciPrivateKey, type PrivateKeySource } from "./oci-private-key";
export { type RestCallOptions } from "./rest-call";
export {
  type AccessTokenClaims,
  type OciauthTokenClaims,
  verifyAccessToken,
  type VerifiedAccessToken,
  type VerifyAccessTokenOptions,
} from "./verify-access-token";
export {
  createTokenGuard,
  type ExpressLikeRequest,
  type ExpressLikeResponse,
  type GuardErrorBody,
  type TokenGuard,
  type TokenGuardOptions,
} from "./token-guard";
