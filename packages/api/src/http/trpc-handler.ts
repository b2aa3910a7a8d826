import { MAX_TRPC_BATCH_CALLS, MAX_TRPC_BATCH_WEIGHT, TRPC_CALL_WEIGHT } from "@ociauth/schema";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createRequestContext } from "../core/context";
import { AppError } from "../core/errors";
import { getLogger } from "../core/logger";
import { errorHeaders, jsonErrorResponse, replyRequestId, serverTimingHeader } from "../rest/error-envelope";
import { type ConnectionInfo, requestMeta } from "../rest/request-meta";
import { operationList } from "../operations";
import { appRouter } from "../trpc/router";

const ENDPOINT = "/api/trpc";

/** The most calls one batched tRPC request may carry: a batch must not multiply what one request may spend. */
export const MAX_BATCH_CALLS = MAX_TRPC_BATCH_CALLS;

/** Each procedure's weight against the batch budget, as the operation table declares it. */
const weightOf = new Map(operationList.map(({ name, operation }) => [name, operation.weight]));

/**
 * The procedure names of a tRPC request path, read as tRPC reads them: percent-decoded, then split
 * on commas (`/api/trpc/a.b,c.d` and `/api/trpc/a.b%2Cc.d` are both 2 calls). A path tRPC cannot
 * decode runs no call (tRPC answers 400).
 */
export function trpcCallNames(pathname: string): string[] {
  const path = pathname.slice(ENDPOINT.length).replace(/^\/+|\/+$/g, "");
  try {
    const names = decodeURIComponent(path);
    return names === "" ? [] : names.split(",");
  } catch {
    return [];
  }
}

/** The cost of a batch: the sum of its calls' weights (a name that is no procedure weighs as a plain call). */
export const batchWeight = (names: readonly string[]) =>
  names.reduce((sum, name) => sum + (weightOf.get(name) ?? TRPC_CALL_WEIGHT.standard), 0);

/** Why a batch is refused whole before any of it runs (too many calls, or over the weight budget), or null. */
function batchRefusal(names: readonly string[]): AppError | null {
  if (names.length > MAX_BATCH_CALLS) {
    return new AppError(
      "PAYLOAD_TOO_LARGE",
      `A tRPC batch may hold at most ${MAX_BATCH_CALLS} calls (this one has ${names.length}); split it`,
    );
  }
  const weight = batchWeight(names);
  if (weight > MAX_TRPC_BATCH_WEIGHT) {
    return new AppError(
      "PAYLOAD_TOO_LARGE",
      `This tRPC batch costs ${weight}, over the budget of ${MAX_TRPC_BATCH_WEIGHT} per batch (a list costs ${TRPC_CALL_WEIGHT.list}, a login or password check ${TRPC_CALL_WEIGHT.login}, other calls ${TRPC_CALL_WEIGHT.standard}); split it into smaller batches`,
    );
  }
  return null;
}

/** tRPC over fetch at /api/trpc, as a plain (Request) => Response function like the REST handlers. */
export function handleTrpcRequest(req: Request, connection: ConnectionInfo = { ip: null }): Promise<Response> {
  const reqId = replyRequestId();
  // Refused whole, before any call runs.
  const refusal = batchRefusal(trpcCallNames(new URL(req.url).pathname));
  if (refusal) return Promise.resolve(jsonErrorResponse(refusal, reqId));
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
