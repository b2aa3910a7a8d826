import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { ServiceContext } from "../core/context";
import { AppError, ERROR_TABLE } from "../core/errors";
import { classifyError, errorNameOf } from "../rest/error-envelope";
import { authenticate } from "../services/auth/authenticate";

/** The one place domain errors become tRPC errors (codes from ERROR_TABLE). */
export function toTRPCError(thrown: unknown): TRPCError {
  if (thrown instanceof TRPCError) {
    // Input that failed its schema: the same 422 as on REST; the zod error stays the cause (its issues are sent).
    if (thrown.code === "BAD_REQUEST" && thrown.cause instanceof z.ZodError) {
      return new TRPCError({ code: ERROR_TABLE.VALIDATION.trpc, message: thrown.message, cause: thrown.cause });
    }
    if (thrown.code !== "INTERNAL_SERVER_ERROR" || thrown.cause instanceof z.ZodError) return thrown; // output validation: our bug, 500
  }
  const error = classifyError(thrown instanceof TRPCError ? (thrown.cause ?? thrown) : thrown);
  if (error instanceof AppError) return new TRPCError({ code: ERROR_TABLE[error.code].trpc, message: error.message, cause: error });
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
