export { startOciStandIn } from "./server.js";
export type { LifecycleState, OciStandIn, OciStandInOptions, RecordedRequest, StandInUser } from "./types.js";
export { ociFingerprint } from "./fingerprint.js";
export { createTestApiKey, type TestApiKey } from "./test-api-key.js";
export { createTestOcid } from "./test-ocid.js";
export { DEFAULT_OCI_IDENTITY_HOST, type GetUserSigningInput } from "./signed-request.js";
export { signGetUserWithOciCommon, type OciCommonSignedHeaders } from "./sign-oci-common.js";
export { signGetUserGoStyle, type GoStyleSignedHeaders } from "./sign-go-style.js";
export { httpGetRaw, type RawResponse } from "./http-get-raw.js";
export type { FailableEndpoint, InjectedFailure, StandInInstance, StandInResource } from "./types.js";
export { httpRequestRaw } from "./http-request-raw.js";
export type { AuthenticateClientResult } from "./authenticate-client.js";
export {
  AUTHENTICATE_CLIENT_PATH,
  apiKeyProvider,
  instancePrincipalProvider,
  resourcePrincipalEnv,
  resourcePrincipalProvider,
  signAuthenticateClient,
  signInnerRequest,
  signWithOciCommon,
  toRequestHeaders,
  type RequestHeaders,
  type RequestToSign,
  type ResourcePrincipalEnvOptions,
  type SignedAuthenticateClient,
} from "./oci-principal-helpers.js";
