import { type OciErrorCode } from "./oci-response.js";

/** What a route answers; the server sends it and records `reason` (never sent to the client). */
export type RouteAnswer =
  | { kind: "json"; status: number; body: unknown; reason?: string }
  | { kind: "error"; status: number; code: OciErrorCode; message: string; reason: string };

export const NOT_AUTHENTICATED = "The required information to complete authentication was not provided or was incorrect.";

export function notAuthenticated(reason: string): RouteAnswer {
  return { kind: "error", status: 401, code: "NotAuthenticated", message: NOT_AUTHENTICATED, reason };
}

export function invalidParameter(message: string): RouteAnswer {
  return { kind: "error", status: 400, code: "InvalidParameter", message, reason: message };
}
