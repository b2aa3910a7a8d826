import type { ErrorName } from "@ociauth/schema";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/**
 * THE error table: each transport-free error code with its HTTP status, the name in the REST
 * envelope and the tRPC code. REST (rest/error-envelope.ts) and tRPC (trpc.ts) both read it, so
 * one condition answers the same on both (validation: 422 / UNPROCESSABLE_CONTENT).
 */
export const ERROR_TABLE = {
  VALIDATION: { status: 422, name: "ValidationFailure", trpc: "UNPROCESSABLE_CONTENT" },
  BAD_REQUEST: { status: 400, name: "BadRequest", trpc: "BAD_REQUEST" },
  UNAUTHORIZED: { status: 401, name: "UnauthorizedError", trpc: "UNAUTHORIZED" },
  TOKEN: { status: 403, name: "TokenError", trpc: "FORBIDDEN" },
  PERMISSION_DENIED: { status: 403, name: "PermissionDenied", trpc: "FORBIDDEN" },
  PERMISSION_BOUNDARY: { status: 403, name: "PermissionBoundaryError", trpc: "FORBIDDEN" },
  FORBIDDEN: { status: 403, name: "ForbiddenError", trpc: "FORBIDDEN" },
  NOT_FOUND: { status: 404, name: "NotFound", trpc: "NOT_FOUND" },
  METHOD_NOT_ALLOWED: { status: 405, name: "MethodNotAllowed", trpc: "METHOD_NOT_SUPPORTED" },
  PAYLOAD_TOO_LARGE: { status: 413, name: "PayloadTooLarge", trpc: "PAYLOAD_TOO_LARGE" },
  RATE_LIMITED: { status: 429, name: "RateLimitExceeded", trpc: "TOO_MANY_REQUESTS" },
  BAD_GATEWAY: { status: 502, name: "BadGateway", trpc: "BAD_GATEWAY" },
  SERVICE_UNAVAILABLE: { status: 503, name: "ServiceUnavailable", trpc: "SERVICE_UNAVAILABLE" },
} as const satisfies Record<string, { status: number; name: ErrorName; trpc: TRPC_ERROR_CODE_KEY }>;

/** Transport-free domain errors; ERROR_TABLE says what each one is on the wire. */
export type AppErrorCode = keyof typeof ERROR_TABLE;

export interface ValidationIssue {
  code: string;
  path: (string | number)[];
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError("BAD_REQUEST", message, details);
export const unauthorized = (message: string) => new AppError("UNAUTHORIZED", message);
export const notFound = (message: string) => new AppError("NOT_FOUND", message);
export const tokenError = (message: string) => new AppError("TOKEN", message);
export const forbidden = (message: string, details?: unknown) => new AppError("FORBIDDEN", message, details);

/** The database or an upstream is unavailable for now: 503 with Retry-After. */
export const serviceUnavailable = (message: string, retryAfterSeconds: number) =>
  new AppError("SERVICE_UNAVAILABLE", message, { retryAfterSeconds });

export const databaseUnavailable = () => serviceUnavailable("The database is unavailable. Try again shortly.", 2);

/** A rule that is a validation failure but needs stored state (e.g. TTL vs merged max TTL): 422. */
export const validationError = (issues: ValidationIssue[]) => new AppError("VALIDATION", issues.map((i) => i.message).join("; "), issues);
