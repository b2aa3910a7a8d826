import { randomBytes } from "node:crypto";
import type { ErrorName } from "@ociauth/schema";
import { z } from "zod";
import { isDatabaseUnavailable } from "@ociauth/db";
import { AppError, databaseUnavailable, ERROR_TABLE } from "../core/errors";

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

export const errorNameOf = (error: AppError): ErrorName => ERROR_TABLE[error.code].name;

export interface ErrorBody {
  reqId: string;
  statusCode: number;
  message: unknown;
  error: string;
  details?: unknown;
}

/**
 * Errors that are not ours but have a meaning for the caller (the database is unreachable → 503)
 * as AppErrors; everything else is returned as it is.
 */
export function classifyError(error: unknown): unknown {
  if (!(error instanceof AppError) && !(error instanceof z.ZodError) && isDatabaseUnavailable(error)) return databaseUnavailable();
  return error;
}

/** The one place errors become Infisical's REST envelope. Unknown errors never leak details. */
export function toErrorBody(thrown: unknown, reqId: string): ErrorBody {
  const error = classifyError(thrown);
  if (error instanceof z.ZodError) {
    return { reqId, statusCode: 422, message: error.issues, error: "ValidationFailure" };
  }
  if (error instanceof AppError) {
    const { status: statusCode, name } = ERROR_TABLE[error.code];
    if (error.code === "VALIDATION") return { reqId, statusCode, message: error.details, error: name };
    if (error.code === "RATE_LIMITED" || error.code === "SERVICE_UNAVAILABLE" || error.code === "METHOD_NOT_ALLOWED")
      return { reqId, statusCode, message: error.message, error: name };
    const body: ErrorBody = { reqId, statusCode, message: error.message, error: name };
    if (statusCode === 403) body.details = error.details ?? null;
    return body;
  }
  return { reqId, statusCode: 500, message: "Something went wrong", error: "InternalServerError" };
}

/** Headers an error carries: Retry-After (429, 503), Allow (405). */
export function errorHeaders(thrown: unknown): Record<string, string> {
  const error = classifyError(thrown);
  if (!(error instanceof AppError)) return {};
  if (error.code === "RATE_LIMITED" || error.code === "SERVICE_UNAVAILABLE") {
    const { retryAfterSeconds } = error.details as { retryAfterSeconds: number };
    return { "retry-after": String(retryAfterSeconds) };
  }
  if (error.code === "METHOD_NOT_ALLOWED") return { allow: (error.details as { allow: string[] }).allow.join(", ") };
  return {};
}

/** A JSON API response with the request id and the headers every API answer carries. */
export function jsonResponse(body: unknown, status: number, reqId: string, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-request-id": reqId,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...extraHeaders,
    },
  });
}

/** An error as the REST envelope response (status, envelope, Retry-After/Allow). */
export function jsonErrorResponse(error: unknown, reqId = newReqId()): Response {
  const body = toErrorBody(error, reqId);
  return jsonResponse(body, body.statusCode, reqId, errorHeaders(error));
}

/** Durations a service reported (`app`, `oci`) as a Server-Timing value, or null. */
export function serverTimingHeader(timings: Record<string, number> | undefined): string | null {
  if (!timings) return null;
  return Object.entries(timings)
    .map(([name, ms]) => `${name};dur=${ms}`)
    .join(", ");
}
