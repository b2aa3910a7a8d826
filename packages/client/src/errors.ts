import { TRPCClientError } from "@trpc/client";

/** One validation problem, as the service reports it (a zod issue). */
export interface OciAuthIssue {
  path?: (string | number)[];
  message: string;
  [key: string]: unknown;
}

/**
 * A failed call to the service: HTTP status, Infisical-style error name and message.
 * `status` 0 with error "NetworkError" means the service could not be reached (or timed out).
 */
export class OciAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly issues?: OciAuthIssue[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "OciAuthError";
  }
}

interface ErrorData {
  httpStatus?: number;
  appCode?: string;
  code?: string;
  issues?: OciAuthIssue[];
}

/** "a; b" from the issues' messages (what the service itself uses for validation errors). */
export function joinIssueMessages(issues: OciAuthIssue[]): string {
  return issues.map((issue) => issue.message).join("; ");
}

/** Converts a tRPC client error into an OciAuthError (other errors pass through). */
export function toOciAuthError(error: unknown): unknown {
  if (!(error instanceof TRPCClientError)) return error;
  const data = (error.data ?? {}) as ErrorData;
  const issues = Array.isArray(data.issues) && data.issues.length > 0 ? data.issues : undefined;
  const status = data.httpStatus ?? 0;
  if (status === 0 && !data.code) {
    return new OciAuthError(0, "NetworkError", `Could not reach the service: ${error.message}`, undefined, { cause: error });
  }
  // tRPC puts zod's JSON dump into the message of input validation errors; the issues say it better.
  const message = issues ? joinIssueMessages(issues) : error.message;
  return new OciAuthError(status, data.appCode ?? data.code ?? "UnknownError", message, issues, { cause: error });
}

/** Why a token was refused by verifyAccessToken (and the token guard). */
export type TokenRefusal =
  /** Past its `exp`. */
  | "expired"
  /** Bad signature, malformed, wrong issuer, not yet valid, not an identity access token, claims missing. */
  | "invalid"
  /** Its `aud` is not the audience this service expects. */
  | "wrong_audience"
  /** Signed with a key (`kid`) the issuer does not publish (even after refetching its key set). */
  | "unknown_key"
  /** The issuer's discovery, key set or introspection could not be reached or answered nonsense. */
  | "unreachable"
  /** Online mode: the issuer answered `active: false` (revoked, expired, used up, other organization, IP not trusted). */
  | "inactive";

/** A token verifyAccessToken refused, with the reason (`reason`), for a 401 or a log line. */
export class TokenVerificationError extends Error {
  constructor(
    readonly reason: TokenRefusal,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TokenVerificationError";
  }
}
