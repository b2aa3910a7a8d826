import { MAX_TRPC_BATCH_CALLS } from "@ociauth/schema";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createRequestContext } from "../core/context";
import { AppError } from "../core/errors";
import { getLogger } from "../core/logger";
import { errorHeaders, jsonErrorResponse, newReqId, serverTimingHeader } from "../rest/error-envelope";
import { type ConnectionInfo, requestMeta } from "../rest/request-meta";
import { appRouter } from "../trpc/router";

const ENDPOINT = "/api/trpc";

/** The most calls one batched tRPC request may carry: a batch must not multiply what one request may spend. */
export const MAX_BATCH_CALLS = MAX_TRPC_BATCH_CALLS;

/** Procedure names of a tRPC request path (`/api/trpc/a.b,c.d` → 2 calls). */
export function countTrpcCalls(pathname: string): number {
  const names = pathname.slice(ENDPOINT.length + 1);
  return names === "" ? 0 : names.split(",").length;
}

/** tRPC over fetch at /api/trpc, as a plain (Request) => Response function like the REST handlers. */
export function handleTrpcRequest(req: Request, connection: ConnectionInfo = { ip: null }): Promise<Response> {
  const reqId = newReqId();
  const calls = countTrpcCalls(new URL(req.url).pathname);
  if (calls > MAX_BATCH_CALLS) {
    // Refused whole, before any call runs.
    const error = new AppError(
      "PAYLOAD_TOO_LARGE",
      `A tRPC batch may hold at most ${MAX_BATCH_CALLS} calls (this one has ${calls}); split it`,
    );
    return Promise.resolve(jsonErrorResponse(error, reqId));
  }
  return fetchRequestHandler({
    endpoint: ENDPOINT,
    req,
    router: appRouter,
    createContext: () => createRequestContext(requestMeta(req, connection, reqId)),
    // The same headers REST sends: request id, Server-Timing (login), Retry-After (429, 503).
    responseMeta: ({ ctx, errors }) => {
      const headers = new Headers({ "x-request-id": reqId });
      const timing = serverTimingHeader(ctx?.meta.timings);
      if (timing) headers.set("server-timing", timing);
      for (const error of errors) for (const [name, value] of Object.entries(errorHeaders(error.cause))) headers.set(name, value);
      return { headers };
    },
    onError: ({ error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") getLogger().error({ reqId, err: error.cause ?? error }, "procedure failed");
    },
  });
}
