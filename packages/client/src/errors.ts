import { TRPCClientError } from "@trpc/client";

/** A failed call to the service: HTTP status, Infisical-style error name and message. */
export class OciAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly issues?: unknown[],
  ) {
    super(message);
    this.name = "OciAuthError";
  }
}

interface ErrorData {
  httpStatus?: number;
  appCode?: string;
  code?: string;
  issues?: unknown[];
}

/** Converts a tRPC client error into an OciAuthError (other errors pass through). */
export function toOciAuthError(error: unknown): unknown {
  if (!(error instanceof TRPCClientError)) return error;
  const data = (error.data ?? {}) as ErrorData;
  return new OciAuthError(data.httpStatus ?? 0, data.appCode ?? data.code ?? "UnknownError", error.message, data.issues);
}
