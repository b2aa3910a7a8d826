import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DefaultRequestSigner,
  InstancePrincipalsAuthenticationDetailsProviderBuilder,
  ResourcePrincipalAuthenticationDetailsProvider,
  SimpleAuthenticationDetailsProvider,
  type AuthenticationDetailsProvider,
  type Method,
} from "oci-common";
import { type OciStandIn, type StandInResource } from "./types.js";

export const AUTHENTICATE_CLIENT_PATH = "/v1/authentication/authenticateClient";

/** The real oci-common instance principals provider of `instanceId`, pointed at the stand-in. */
export async function instancePrincipalProvider(standIn: Pick<OciStandIn, "url" | "instanceMetadataUrl">, instanceId: string) {
  const builder = new InstancePrincipalsAuthenticationDetailsProviderBuilder();
  builder.metadataBaseUrl = standIn.instanceMetadataUrl(instanceId);
  builder.federationEndpoint = standIn.url;
  return builder.build();
}

/** oci-common's provider for a user API key (as `~/.oci/config` gives it). */
export function apiKeyProvider(user: { tenancyOcid: string; userOcid: string; fingerprint: string; privateKeyPem: string }) {
  return new SimpleAuthenticationDetailsProvider(user.tenancyOcid, user.userOcid, user.fingerprint, user.privateKeyPem, null);
}

export interface ResourcePrincipalEnvOptions {
  /** Where the session key (and the RPST file) are written; defaults to a new temporary folder. */
  dir?: string;
  /** Put the RPST in a file and its absolute path in OCI_RESOURCE_PRINCIPAL_RPST (as OCI Functions does) instead of the token itself. */
  rpstInFile?: boolean;
  expiresAt?: Date;
}

/**
 * What an OCI Function sees: a session key written to disk and a resource principal session
 * token (RPST) the stand-in minted for it, as the OCI_RESOURCE_PRINCIPAL_* variables (version 2.2).
 */
export function resourcePrincipalEnv(
  standIn: Pick<OciStandIn, "issueResourcePrincipalToken">,
  resource: StandInResource,
  options: ResourcePrincipalEnvOptions = {},
): Record<string, string> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "oci-rp-"));
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const privateKeyPath = join(dir, "rp-session-key.pem");
  writeFileSync(privateKeyPath, privateKey, { mode: 0o600 });
  const token = standIn.issueResourcePrincipalToken(resource, publicKey, { expiresAt: options.expiresAt });
  let rpst = token;
  if (options.rpstInFile) {
    rpst = join(dir, "rpst");
    writeFileSync(rpst, token, { mode: 0o600 });
  }
  return {
    OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
    OCI_RESOURCE_PRINCIPAL_RPST: rpst,
    OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: privateKeyPath,
    OCI_RESOURCE_PRINCIPAL_REGION: resource.region,
  };
}

/** Builds oci-common's ResourcePrincipalAuthenticationDetailsProvider from `env` (the builder only reads process.env). */
export function resourcePrincipalProvider(env: Record<string, string>): ResourcePrincipalAuthenticationDetailsProvider {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return ResourcePrincipalAuthenticationDetailsProvider.builder();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** OCI's authenticateClient body: every header of the signed request, plus `(request-target)`. */
export type RequestHeaders = Record<string, string[]>;

export interface RequestToSign {
  method: Method;
  /** Absolute URL: its host and path are signed. */
  uri: string;
  headers?: Record<string, string>;
  body?: string;
  /** Presets the signed x-date (oci-common keeps a preset one). */
  date?: Date;
}

/** Signs a request with oci-common's DefaultRequestSigner and returns its headers (lower-case names). */
export async function signWithOciCommon(provider: AuthenticationDetailsProvider, request: RequestToSign): Promise<Record<string, string>> {
  const headers = new Headers(request.headers);
  if (request.date) headers.set("x-date", request.date.toUTCString());
  await new DefaultRequestSigner(provider).signHttpRequest({
    method: request.method,
    uri: request.uri,
    headers,
    body: request.body ?? null,
  });
  return Object.fromEntries(headers.entries());
}

/**
 * The INNER request of a challenge-bound login: the workload signs `request` with any
 * oci-common provider (API key, instance principal, resource principal) and hands over its
 * headers; the `(request-target)` pseudo-header says which method and path were signed.
 */
export async function signInnerRequest(provider: AuthenticationDetailsProvider, request: RequestToSign): Promise<RequestHeaders> {
  const headers = await signWithOciCommon(provider, request);
  const url = new URL(request.uri);
  return toRequestHeaders(request.method, `${url.pathname}${url.search}`, headers);
}

/**
 * authenticateClient's `requestHeaders` for a request that reached `method path` with `headers`:
 * what a server builds from the headers a client sent it (the server knows its own method and path).
 */
export function toRequestHeaders(method: string, path: string, headers: Record<string, string>): RequestHeaders {
  const requestHeaders: RequestHeaders = { "(request-target)": [`${method.toLowerCase()} ${path}`] };
  for (const [name, value] of Object.entries(headers)) requestHeaders[name.toLowerCase()] = [value];
  return requestHeaders;
}

export interface SignedAuthenticateClient {
  url: string;
  /** Send them all, `host` included (use httpRequestRaw: global fetch drops `host`). */
  headers: Record<string, string>;
  body: string;
}

/**
 * The OUTER request: `POST <authEndpoint>/v1/authentication/authenticateClient` with
 * `{"requestHeaders": …}`, signed by the caller's own provider (the server's API key, say).
 */
export async function signAuthenticateClient(
  provider: AuthenticationDetailsProvider,
  authEndpoint: string,
  requestHeaders: RequestHeaders,
  options: { date?: Date } = {},
): Promise<SignedAuthenticateClient> {
  const url = `${authEndpoint.replace(/\/$/, "")}${AUTHENTICATE_CLIENT_PATH}`;
  const body = JSON.stringify({ requestHeaders });
  const headers = await signWithOciCommon(provider, { method: "POST", uri: url, body, date: options.date });
  return { url, headers, body };
}
