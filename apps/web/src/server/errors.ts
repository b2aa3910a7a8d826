/** Transport-free domain errors. rest/error-envelope.ts and trpc.ts map them to HTTP/tRPC errors. */
export type AppErrorCode =
  | "VALIDATION"
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "TOKEN"
  | "PERMISSION_DENIED"
  | "PERMISSION_BOUNDARY"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "BAD_GATEWAY"
  | "SERVICE_UNAVAILABLE";

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
export const validationError = (issues: ValidationIssue[]) =>
  new AppError("VALIDATION", issues.map((i) => i.message).join("; "), issues);
