import { TRPCClientError } from "@trpc/client";

export interface Issue {
  path: (string | number)[];
  message: string;
}

export interface ErrorInfo {
  message: string;
  code?: string;
  appCode?: string;
  issues: Issue[];
  /** The session is missing, expired or revoked: sign in again. */
  sessionEnded: boolean;
  /** Not allowed with the current role. */
  forbidden: boolean;
  /** The server could not be reached at all. */
  network: boolean;
}

/** What a failed tRPC call tells the operator: the API's message and, for validation, the zod issues. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as { code?: string; appCode?: string; issues?: unknown };
    const issues = Array.isArray(data.issues) ? (data.issues as Issue[]) : [];
    const sessionEnded = data.code === "UNAUTHORIZED" || data.appCode === "TokenError";
    const network = !error.data && !error.shape;
    return {
      message: network ? "The server could not be reached." : error.message,
      code: data.code,
      appCode: data.appCode,
      issues,
      sessionEnded,
      forbidden: data.code === "FORBIDDEN" && !sessionEnded,
      network,
    };
  }
  return {
    message: error instanceof Error ? error.message : "Something went wrong",
    issues: [],
    sessionEnded: false,
    forbidden: false,
    network: false,
  };
}

/** Zod issues keyed by path ("accessTokenTrustedIps.1.ipAddress"), first message per field. */
export function issuesByField(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".");
    errors[key] ??= issue.message;
  }
  return errors;
}
