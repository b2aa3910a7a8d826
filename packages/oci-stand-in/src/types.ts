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
  /** Set once the response has been sent. */
  status?: number;
  /** Why the request was rejected (not sent to the client). */
  reason?: string;
}

export interface OciStandInOptions {
  /** 0 or omitted picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Allowed distance between the signed date header and now; defaults to 300. */
  clockSkewSeconds?: number;
  users?: StandInUser[];
  /** Receives one line per request; silent by default. */
  log?: (line: string) => void;
}

export interface OciStandIn {
  /** e.g. http://127.0.0.1:PORT — use it as OCI_IDENTITY_ENDPOINT. */
  url: string;
  port: number;
  /** Adds a user, replacing any user with the same id. */
  addUser(user: StandInUser): void;
  requests: RecordedRequest[];
  close(): Promise<void>;
}
