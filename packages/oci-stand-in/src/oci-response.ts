import { createHash, randomBytes } from "node:crypto";
import { type IncomingMessage, type ServerResponse } from "node:http";

export type OciErrorCode =
  | "NotAuthenticated"
  | "NotAuthorizedOrNotFound"
  | "MethodNotAllowed"
  | "InvalidParameter"
  | "TooManyRequests"
  | "InternalServerError"
  | "ServiceUnavailable";

/** OCI echoes a client-sent opc-request-id and appends its own part. */
export function opcRequestId(req: IncomingMessage): string {
  const own = randomBytes(16).toString("hex").toUpperCase();
  const fromClient = req.headers["opc-request-id"];
  return typeof fromClient === "string" && fromClient !== "" ? `${fromClient}/${own}` : own;
}

export function sendOciJson(
  res: ServerResponse,
  status: number,
  requestId: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    "opc-request-id": requestId,
    ...extraHeaders,
  });
  res.end(json);
}

export function sendOciError(
  res: ServerResponse,
  status: number,
  code: OciErrorCode,
  message: string,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  sendOciJson(res, status, requestId, { code, message }, extraHeaders);
}

export function etagOf(body: unknown): string {
  return createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 32);
}
