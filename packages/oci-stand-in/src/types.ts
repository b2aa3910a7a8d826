export type LifecycleState = "CREATING" | "ACTIVE" | "INACTIVE" | "DELETING" | "DELETED";

/** A user known to the stand-in, with the API public keys it may sign with. */
export interface StandInUser {
  id: string;
  /** The tenancy OCID (OCI reports a user's tenancy as its `compartmentId`). */
  compartmentId: string;
  name: string;
  description?: string;
  lifecycleState?: LifecycleState;
  email?: string;
  /** PEM-encoded public keys (SPKI or PKCS#1). */
  publicKeys: string[];
}

/** One request as the stand-in received it, plus how it was answered. */
export interface RecordedRequest {
  method: string;
  /** Raw path and query, exactly as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body of a POST, as received (UTF-8). */
  body?: string;
  /** Set once the response has been sent. */
  status?: number;
  /** Why the request was rejected (not sent to the client). */
  reason?: string;
}

/** A compute instance: the stand-in serves its metadata and issues it an X.509 identity certificate. */
export interface StandInInstance {
  /** The instance OCID, e.g. `ocid1.instance.oc1.iad.…`. */
  id: string;
  compartmentId: string;
  tenancyId: string;
  /** Canonical region name, e.g. `us-ashburn-1`. */
  region: string;
  displayName?: string;
}

/** A resource (e.g. an OCI Function) that gets resource principal session tokens. */
export interface StandInResource {
  /** The resource OCID, e.g. `ocid1.fnfunc.oc1.iad.…`. */
  id: string;
  /** OCI's `res_type` claim; defaults to `fnfunc`. */
  type?: string;
  compartmentId: string;
  tenancyId: string;
  /** Canonical region name, e.g. `us-ashburn-1`. */
  region: string;
}

export type FailableEndpoint = "authenticateClient" | "x509";

/** An answer the stand-in gives instead of the real one, to test retries and error handling. */
export interface InjectedFailure {
  endpoint: FailableEndpoint;
  /** 429 TooManyRequests, 500 InternalServerError, 503 ServiceUnavailable, 401 NotAuthenticated, 400 InvalidParameter. */
  status: 400 | 401 | 429 | 500 | 503;
  /** How many requests in a row get it; defaults to 1. */
  times?: number;
  /** Wait this long before answering (to test client timeouts). */
  delayMs?: number;
}

export interface OciStandInOptions {
  /** 0 or omitted picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Allowed distance between the signed date header and now; defaults to 300. */
  clockSkewSeconds?: number;
  users?: StandInUser[];
  /** Instances whose metadata and identity certificates the stand-in serves; the first is the default instance of `/opc/v2/`. */
  instances?: StandInInstance[];
  /** Lifetime of instance principal security tokens issued by `POST /v1/x509`; defaults to 1200 (20 minutes, like OCI). */
  tokenLifetimeSeconds?: number;
  /** Receives one line per request; silent by default. */
  log?: (line: string) => void;
  /** Hold every answer this long (a slow OCI, e.g. to test what a login in flight meets); defaults to 0. */
  responseDelayMs?: number;
}

export interface OciStandIn {
  /** e.g. http://127.0.0.1:PORT — use it as OCI_IDENTITY_ENDPOINT. */
  url: string;
  port: number;
  /** Adds a user, replacing any user with the same id. */
  addUser(user: StandInUser): void;
  /** Adds an instance, replacing any instance with the same id (and its identity certificate). */
  addInstance(instance: StandInInstance): void;
  /** The metadataBaseUrl of an instance, e.g. `http://127.0.0.1:PORT/imds/<ocid>/opc/v2/`; the default instance is also at `/opc/v2/`. */
  instanceMetadataUrl(instanceId: string): string;
  /** Mints a resource principal session token (RPST) binding `sessionPublicKeyPem` to the resource. */
  issueResourcePrincipalToken(resource: StandInResource, sessionPublicKeyPem: string, options?: { expiresAt?: Date }): string;
  /** Holds every answer from now on `ms` milliseconds (0: answer at once); requests already held keep their delay. */
  setResponseDelay(ms: number): void;
  /** Makes the next request(s) to an endpoint fail as described. */
  injectFailure(failure: InjectedFailure): void;
  /** PEM of the stand-in's intermediate CA (the one `/opc/v2/identity/intermediate.pem` serves). */
  intermediateCertificatePem: string;
  /** PEM of the public key that verifies tokens the stand-in issues. */
  tokenSigningPublicKeyPem: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}
