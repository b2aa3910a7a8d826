import type { AuthenticationDetailsProvider } from "oci-common";
import { type AccessToken, type AccessTokenResponse, withExpiresAt } from "./access-tokens";
import { loadOciPrivateKey, type PrivateKeySource } from "./oci-private-key";
import { assertOciRegion } from "./oci-region";
import { postJson, type RestCallOptions } from "./rest-call";

export const CHALLENGE_PATH = "/api/v1/auth/oci-auth/challenge";
export const PRINCIPAL_LOGIN_PATH = "/api/v1/auth/oci-auth/login/principal";
const DEFAULT_METADATA_URL = "http://169.254.169.254/opc/v2";

interface PrincipalLoginBase extends RestCallOptions {
  /** The machine identity to log in as (its OCI auth must allow this principal type). */
  identityId: string;
  /** The identity's organization's slug: the login is refused if it names another (unknown 404, another's 403). */
  organizationSlug?: string;
  /** Another service the token is for (one of the identity's allowedAudiences); default: this service. */
  audience?: string;
}

/** A compute instance: its instance principal (certificate from the instance metadata service). */
export interface InstancePrincipalLoginOptions extends PrincipalLoginBase {
  principal: "instance";
  /** OCI region identifier, e.g. us-ashburn-1; default: the instance's own (from the metadata service). */
  region?: string;
  /** The metadata service, default http://169.254.169.254/opc/v2 (another one for local testing). */
  metadataBaseUrl?: string;
  /** Where the certificate is exchanged for a security token, default OCI's auth endpoint of the region. */
  federationEndpoint?: string;
}

/** A Function, container instance or OKE workload: its resource principal (OCI sets OCI_RESOURCE_PRINCIPAL_*). */
export interface ResourcePrincipalLoginOptions extends PrincipalLoginBase {
  principal: "resource";
  /** Default: OCI_RESOURCE_PRINCIPAL_REGION. */
  region?: string;
}

/** An OCI user's API key, through the challenge-bound principal login. */
export type ApiKeyPrincipalLoginOptions = PrincipalLoginBase &
  PrivateKeySource & {
    principal: "api-key";
    tenancyOcid: string;
    userOcid: string;
    /** Fingerprint of the API key, "12:34:…:ef". */
    fingerprint: string;
    passphrase?: string;
    region: string;
  };

export type OciPrincipalLoginOptions = InstancePrincipalLoginOptions | ResourcePrincipalLoginOptions | ApiKeyPrincipalLoginOptions;

const PRINCIPALS = ["instance", "resource", "api-key"];

/** The principal's oci-common provider and the region whose auth endpoint verifies it. */
async function principalSigner(options: OciPrincipalLoginOptions): Promise<{ provider: AuthenticationDetailsProvider; region: string }> {
  // oci-common is large; load it only when someone actually signs.
  const oci = await import("oci-common");
  if (options.principal === "api-key") {
    assertOciRegion(options.region);
    const privateKeyPem = await loadOciPrivateKey(options);
    const provider = new oci.SimpleAuthenticationDetailsProvider(
      options.tenancyOcid,
      options.userOcid,
      options.fingerprint,
      privateKeyPem,
      null,
    );
    return { provider, region: options.region };
  }
  if (options.principal === "resource") {
    const provider = oci.ResourcePrincipalAuthenticationDetailsProvider.builder();
    const region = options.region ?? provider.getRegion()?.regionId ?? process.env.OCI_RESOURCE_PRINCIPAL_REGION;
    return { provider, region: checkedRegion(region, "set OCI_RESOURCE_PRINCIPAL_REGION or pass region") };
  }
  const builder = new oci.InstancePrincipalsAuthenticationDetailsProviderBuilder();
  if (options.metadataBaseUrl) builder.metadataBaseUrl = options.metadataBaseUrl;
  if (options.federationEndpoint) builder.federationEndpoint = options.federationEndpoint;
  const provider = await builder.build();
  const region = options.region ?? safeRegionId(provider) ?? (await metadataRegion(options));
  return { provider, region: checkedRegion(region, "pass region") };
}

function safeRegionId(provider: { getRegion(): { regionId: string } | undefined }): string | undefined {
  try {
    return provider.getRegion()?.regionId;
  } catch {
    return undefined;
  }
}

/** The instance's canonical region name from the metadata service (`instance/canonicalRegionName`). */
async function metadataRegion(options: InstancePrincipalLoginOptions): Promise<string | undefined> {
  const base = (options.metadataBaseUrl ?? DEFAULT_METADATA_URL).replace(/\/+$/, "");
  try {
    const res = await (options.fetch ?? fetch)(`${base}/instance/canonicalRegionName`, {
      headers: { authorization: "Bearer Oracle" },
      signal: AbortSignal.timeout(5000),
    });
    return res.ok ? (await res.text()).trim() : undefined;
  } catch {
    return undefined;
  }
}

function checkedRegion(region: string | undefined, fix: string): string {
  if (region === undefined || region === "") throw new TypeError(`Could not tell the OCI region of this principal: ${fix}.`);
  assertOciRegion(region);
  return region;
}

/** Signs `request` with oci-common's DefaultRequestSigner; the signed headers, lower-case names. */
async function sign(provider: AuthenticationDetailsProvider, method: "GET" | "POST", uri: string, body?: string) {
  const { DefaultRequestSigner } = await import("oci-common");
  const headers = new Headers(body === undefined ? {} : { "content-type": "application/json" });
  await new DefaultRequestSigner(provider).signHttpRequest({ method, uri, headers, body: body ?? null });
  return Object.fromEntries(headers.entries());
}

/**
 * The challenge-bound principal login: a challenge from the service; an inner request
 * (`GET <service>/api/v1/auth/oci-auth/login/principal?challenge=…`) signed by the principal, so
 * the challenge is covered by the signed request-target; an outer request to OCI's
 * authenticateClient carrying the inner headers, signed by the same principal; the service
 * forwards the outer request to OCI, which says who signed. Every call gets a new challenge.
 */
export async function loginWithOciPrincipal(options: OciPrincipalLoginOptions): Promise<AccessToken> {
  if (!PRINCIPALS.includes(options.principal)) {
    throw new TypeError(`Unknown principal ${JSON.stringify(options.principal)}: use "instance", "resource" or "api-key".`);
  }
  if (typeof options.identityId !== "string" || options.identityId === "") throw new TypeError("identityId is required.");
  const { provider, region } = await principalSigner(options);
  const { challenge } = await postJson<{ challenge: string }>(options, CHALLENGE_PATH, { identityId: options.identityId });
  const target = `${PRINCIPAL_LOGIN_PATH}?challenge=${encodeURIComponent(challenge)}`;
  const inner = await sign(provider, "GET", `${new URL(options.url).origin}${target}`);
  const requestHeaders: Record<string, string[]> = { "(request-target)": [`get ${target}`] };
  for (const [name, value] of Object.entries(inner)) requestHeaders[name] = [value];
  const body = JSON.stringify({ requestHeaders });
  const outer = await sign(provider, "POST", `https://auth.${region}.oraclecloud.com/v1/authentication/authenticateClient`, body);
  const response = await postJson<AccessTokenResponse>(options, PRINCIPAL_LOGIN_PATH, {
    identityId: options.identityId,
    authenticateClient: { headers: outer, body },
    ...(options.organizationSlug ? { organizationSlug: options.organizationSlug } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  });
  return withExpiresAt(response);
}
