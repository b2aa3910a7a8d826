import { randomBytes } from "node:crypto";
import { currentRequestId } from "../core/log-context";
import { Readable } from "node:stream";
import type { ErrorName } from "@ociauth/schema";
import { z } from "zod";
import { isDatabaseUnavailable } from "@ociauth/db";
import { AppError, databaseUnavailable, ERROR_TABLE } from "../core/errors";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random bytes drawn 4 KiB at a time: one call to the system's generator per ~250 request ids. */
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function randomByte(): number {
  if (randomOffset >= randomPool.length) {
    randomPool = randomBytes(4096);
    randomOffset = 0;
  }
  return randomPool[randomOffset++]!;
}

/** The id of the request being handled (the caller's valid X-Request-Id, or one made for it); a new one outside a request. */
export function replyRequestId(): string {
  return currentRequestId() ?? newReqId();
}

/** `req-` + 14 alphanumerics, as Infisical. */
export function newReqId(): string {
  // 248 = 4 × 62: bytes at or above it are skipped, so every character is equally likely.
  let id = "req-";
  while (id.length < 18) {
    const byte = randomByte();
    if (byte < 248) id += ALPHANUMERIC[byte % 62];
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

/** A complete JSON answer: what the front door writes as is (no fetch Response in between). */
export interface JsonReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A streamed file (an export): the headers, then the chunks, written as the socket takes them. */
export interface StreamReply {
  status: number;
  headers: Record<string, string>;
  stream: AsyncIterable<string>;
}

/** A JSON API answer with the request id and the headers every API answer carries. */
export function jsonReply(body: unknown, status: number, reqId: string, extraHeaders: Record<string, string> = {}): JsonReply {
  return {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-request-id": reqId,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...extraHeaders,
    },
    body: JSON.stringify(body),
  };
}

/** An error as the REST envelope (status, envelope, Retry-After/Allow). */
export function errorReply(error: unknown, reqId = replyRequestId()): JsonReply {
  const body = toErrorBody(error, reqId);
  return jsonReply(body, body.statusCode, reqId, errorHeaders(error));
}

async function* utf8(chunks: AsyncIterable<string>) {
  for await (const chunk of chunks) yield Buffer.from(chunk);
}

/** A reply as a fetch Response (tests, other hosts); a streamed reply stays a stream. */
export const toFetchResponse = (reply: JsonReply | StreamReply) =>
  new Response("stream" in reply ? (Readable.toWeb(Readable.from(utf8(reply.stream))) as ReadableStream) : reply.body, {
    status: reply.status,
    headers: reply.headers,
  });

export function jsonErrorResponse(error: unknown, reqId = replyRequestId()): Response {
  return toFetchResponse(errorReply(error, reqId));
}

/** Durations a service reported (`app`, `oci`) as a Server-Timing value, or null. */
export function serverTimingHeader(timings: Record<string, number> | undefined): string | null {
  if (!timings) return null;
  return Object.entries(timings)
    .map(([name, ms]) => `${name};dur=${ms}`)
    .join(", ");
}
