import { callOci } from "./oci-http";

/** The principal OCI's authenticateClient reports, its claims as a map (the first value of a key wins). */
export interface OciAuthenticatedPrincipal {
  tenantId: string;
  subjectId: string;
  claims: Record<string, string>;
}

export type AuthenticateClientAnswer =
  | { kind: "ok"; principal: OciAuthenticatedPrincipal; elapsedMs: number }
  /** OCI judged the inner request and refused it (`success: false`). */
  | { kind: "refused"; errorMessage: string; elapsedMs: number }
  /** OCI refused the outer request itself (401, 404, 400 …) or throttled it (429). */
  | { kind: "rejected"; status: number; code: string; retryAfter: string | null; elapsedMs: number }
  | { kind: "unreachable"; reason: string; elapsedMs: number };

export const AUTHENTICATE_CLIENT_PATH = "/v1/authentication/authenticateClient";

/**
 * POST https://{host}/v1/authentication/authenticateClient with exactly the workload's signed
 * headers and body (content-length is ours: the body's real length). `endpoint`
 * (OCI_AUTH_ENDPOINT, tests/local development only) replaces scheme+host+port.
 */
export async function authenticateClient(input: {
  host: string;
  headers: Record<string, string>;
  body: string;
  endpoint?: string;
  timeoutMs: number;
}): Promise<AuthenticateClientAnswer> {
  const headers = { ...input.headers, "content-length": String(Buffer.byteLength(input.body, "utf8")) };
  const result = await callOci({ ...input, headers, method: "POST", path: AUTHENTICATE_CLIENT_PATH });
  if (result.kind === "unreachable") return result;
  const { status, body, retryAfter, elapsedMs } = result;
  if (status !== 200) return { kind: "rejected", status, code: String(body.code ?? "Unknown"), retryAfter, elapsedMs };
  if (body.success === false) {
    const errorMessage = typeof body.errorMessage === "string" && body.errorMessage ? body.errorMessage : "no reason given";
    return { kind: "refused", errorMessage: errorMessage.slice(0, 500), elapsedMs };
  }
  const principal = readPrincipal(body.principal);
  if (body.success !== true || !principal) return { kind: "unreachable", reason: "unexpected response from OCI", elapsedMs };
  return { kind: "ok", principal, elapsedMs };
}

function readPrincipal(value: unknown): OciAuthenticatedPrincipal | null {
  if (typeof value !== "object" || value === null) return null;
  const { tenantId, subjectId, claims } = value as Record<string, unknown>;
  if (typeof tenantId !== "string" || typeof subjectId !== "string") return null;
  const map: Record<string, string> = {};
  if (Array.isArray(claims)) {
    for (const claim of claims as unknown[]) {
      const { key, value: claimValue } = (claim ?? {}) as Record<string, unknown>;
      if (typeof key === "string" && typeof claimValue === "string" && !(key in map)) map[key] = claimValue;
    }
  }
  return { tenantId, subjectId, claims: map };
}
