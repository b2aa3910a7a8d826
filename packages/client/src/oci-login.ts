import { type AccessToken, type AccessTokenResponse, withExpiresAt } from "./access-tokens";
import { assertOciRegion } from "./oci-region";
import { loadOciPrivateKey, type PrivateKeySource } from "./oci-private-key";
import { signOciGetUser } from "./oci-signing";
import { OciAuthError } from "./errors";
import { loginWithOciPrincipal, type OciPrincipalLoginOptions } from "./oci-principal-login";
import { postJson } from "./rest-call";

/** Infisical's OCI login: a GetUser request signed with a user's API key. */
export type OciUserLoginOptions = PrivateKeySource & {
  /** Absent: Infisical's login. "instance", "resource" or "api-key": the challenge-bound principal login. */
  principal?: undefined;
  /** Base URL of the service, e.g. http://localhost:3000 */
  url: string;
  /** The machine identity to log in as (it must have OCI auth attached). */
  identityId: string;
  tenancyOcid: string;
  userOcid: string;
  /** Fingerprint of the API key, "12:34:…:ef". */
  fingerprint: string;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
  /** OCI region identifier, e.g. us-ashburn-1: the signed host is identity.<region>.oraclecloud.com. */
  region: string;
  fetch?: typeof fetch;
  /** Abort the login request after this many milliseconds (default 30 000). */
  timeoutMs?: number;
  /** The identity's organization's slug (Infisical's INFISICAL_AUTH_ORGANIZATION_SLUG): the login is refused if it names another. */
  organizationSlug?: string;
  /** Another service the token is for (one of the identity's allowedAudiences); default: this service. */
  audience?: string;
};

/** How a workload logs in: Infisical's user login, or as an instance, resource or API-key principal. */
export type OciLoginOptions = OciUserLoginOptions | OciPrincipalLoginOptions;

export type OciLoginResult = AccessToken;

/**
 * Logs a machine identity in. Without `principal`: with an OCI user API key, signing OCI's GetUser
 * request and posting the signed headers to `POST /api/v1/auth/oci-auth/login` (REST, so
 * Infisical-compatible servers work too). With `principal` ("instance", "resource", "api-key"):
 * the challenge-bound principal login, which OCI verifies (see loginWithOciPrincipal). Input
 * problems throw TypeError before any request; the service's answers reject with OciAuthError.
 */
export async function loginWithOci(options: OciLoginOptions): Promise<OciLoginResult> {
  if (options.principal !== undefined) return loginWithOciPrincipal(options);
  assertOciRegion(options.region);
  const privateKeyPem = await loadOciPrivateKey(options);
  for (let attempt = 0; ; attempt++) {
    const headers = await signOciGetUser({ ...options, privateKeyPem });
    try {
      const response = await postJson<AccessTokenResponse>(options, "/api/v1/auth/oci-auth/login", {
        identityId: options.identityId,
        userOcid: options.userOcid,
        headers,
        ...(options.organizationSlug ? { organizationSlug: options.organizationSlug } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
      });
      return withExpiresAt(response);
    } catch (error) {
      // Another process signed with the same key in the same second: sign again (a later second).
      if (attempt < MAX_REPLAY_RETRIES && isSignatureReplayed(error)) continue;
      throw error;
    }
  }
}

const MAX_REPLAY_RETRIES = 2;

/** The service's 401 for a signed header set that has already logged in (reason signature_replayed). */
const SIGNATURE_REPLAYED_PREFIX = "Access denied: this signed request has already been used to log in.";

function isSignatureReplayed(error: unknown): boolean {
  return error instanceof OciAuthError && error.status === 401 && error.message.startsWith(SIGNATURE_REPLAYED_PREFIX);
}
