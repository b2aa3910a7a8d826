import { callOci } from "./oci-http";

export interface OciUser {
  id: string;
  compartmentId: string;
  name: string;
  lifecycleState?: string;
}

export type GetUserResult =
  | { kind: "ok"; user: OciUser; opcRequestId: string | null; elapsedMs: number }
  | { kind: "rejected"; status: number; code: string; retryAfter: string | null; opcRequestId: string | null; elapsedMs: number }
  | { kind: "unreachable"; reason: string; elapsedMs: number };

/**
 * GET https://{host}/20160918/users/{userOcid} with exactly the signed headers.
 * `endpoint` (OCI_IDENTITY_ENDPOINT, tests/local development only) replaces scheme+host+port.
 */
export async function getOciUser(input: {
  host: string;
  userOcid: string;
  headers: Record<string, string>;
  endpoint?: string;
  timeoutMs: number;
}): Promise<GetUserResult> {
  const result = await callOci({ ...input, method: "GET", path: `/20160918/users/${encodeURIComponent(input.userOcid)}` });
  if (result.kind === "unreachable") return result;
  const { status, body, opcRequestId, retryAfter, elapsedMs } = result;
  if (status === 200 && typeof body.compartmentId === "string" && typeof body.name === "string") {
    return { kind: "ok", user: body as unknown as OciUser, opcRequestId, elapsedMs };
  }
  if (status === 200) return { kind: "unreachable", reason: "unexpected response from OCI", elapsedMs };
  return { kind: "rejected", status, code: String(body.code ?? "Unknown"), retryAfter, opcRequestId, elapsedMs };
}
