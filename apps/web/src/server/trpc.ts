import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { z } from "zod";
import type { ServiceContext } from "./context";
import { AppError, type AppErrorCode } from "./errors";
import { classifyError, errorNameOf } from "./rest/error-envelope";
import { authenticate } from "./services/auth/authenticate";

const TRPC_CODES: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  VALIDATION: "BAD_REQUEST",
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  TOKEN: "FORBIDDEN",
  PERMISSION_DENIED: "FORBIDDEN",
  PERMISSION_BOUNDARY: "FORBIDDEN",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_SUPPORTED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  BAD_GATEWAY: "BAD_GATEWAY",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/** The one place domain errors become tRPC errors. */
export function toTRPCError(thrown: unknown): TRPCError {
  const error = classifyError(thrown instanceof TRPCError && thrown.code === "INTERNAL_SERVER_ERROR" ? (thrown.cause ?? thrown) : thrown);
  if (error instanceof AppError) return new TRPCError({ code: TRPC_CODES[error.code], message: error.message, cause: error });
  if (thrown instanceof TRPCError) return thrown;
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Something went wrong", cause: error as Error });
}

const t = initTRPC.context<ServiceContext>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const issues =
      cause instanceof z.ZodError ? cause.issues : cause instanceof AppError && cause.code === "VALIDATION" ? cause.details : undefined;
    const appCode = cause instanceof z.ZodError ? "ValidationFailure" : cause instanceof AppError ? errorNameOf(cause) : undefined;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: internal ? "Something went wrong" : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: appCode ?? (internal ? "InternalServerError" : undefined),
        issues,
        details: cause instanceof AppError && cause.code !== "VALIDATION" ? cause.details : undefined,
      },
    };
  },
});

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error.cause instanceof AppError ? result.error.cause : result.error);
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors);
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  try {
    return next({ ctx: await authenticate(ctx) });
  } catch (error) {
    throw toTRPCError(error);
  }
});
