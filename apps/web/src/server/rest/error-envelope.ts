import { randomBytes } from "node:crypto";
import type { ErrorName } from "@ociauth/schema";
import { z } from "zod";
import { AppError, type AppErrorCode } from "../errors";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `req-` + 14 alphanumerics, as Infisical. */
export function newReqId(): string {
  // 248 = 4 × 62: bytes at or above it are skipped, so every character is equally likely.
  let id = "req-";
  while (id.length < 18) {
    for (const byte of randomBytes(20)) {
      if (byte < 248 && id.length < 18) id += ALPHANUMERIC[byte % 62];
    }
  }
  return id;
}

const STATUS: Record<AppErrorCode, [number, ErrorName]> = {
  VALIDATION: [422, "ValidationFailure"],
  BAD_REQUEST: [400, "BadRequest"],
  UNAUTHORIZED: [401, "UnauthorizedError"],
  TOKEN: [403, "TokenError"],
  PERMISSION_DENIED: [403, "PermissionDenied"],
  PERMISSION_BOUNDARY: [403, "PermissionBoundaryError"],
  FORBIDDEN: [403, "ForbiddenError"],
  NOT_FOUND: [404, "NotFound"],
  METHOD_NOT_ALLOWED: [405, "MethodNotAllowed"],
  PAYLOAD_TOO_LARGE: [413, "PayloadTooLarge"],
  RATE_LIMITED: [429, "RateLimitExceeded"],
  BAD_GATEWAY: [502, "BadGateway"],
  SERVICE_UNAVAILABLE: [503, "ServiceUnavailable"],
};

export const errorNameOf = (error: AppError): ErrorName => STATUS[error.code][1];

export interface ErrorBody {
  reqId: string;
  statusCode: number;
  message: unknown;
  error: string;
  details?: unknown;
}

/** The one place errors become Infisical's REST envelope. Unknown errors never leak details. */
export function toErrorBody(error: unknown, reqId: string): ErrorBody {
  if (error instanceof z.ZodError) {
    return { reqId, statusCode: 422, message: error.issues, error: "ValidationFailure" };
  }
  if (error instanceof AppError) {
    const [statusCode, name] = STATUS[error.code];
    if (error.code === "VALIDATION") return { reqId, statusCode, message: error.details, error: name };
    if (error.code === "RATE_LIMITED" || error.code === "SERVICE_UNAVAILABLE") return { reqId, statusCode, message: error.message, error: name };
    const body: ErrorBody = { reqId, statusCode, message: error.message, error: name };
    if (statusCode === 403) body.details = error.details ?? null;
    return body;
  }
  return { reqId, statusCode: 500, message: "Something went wrong", error: "InternalServerError" };
}
