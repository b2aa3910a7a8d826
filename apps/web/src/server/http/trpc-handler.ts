import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createRequestContext } from "../context";
import { getLogger } from "../logger";
import { newReqId } from "../rest/error-envelope";
import { type ConnectionInfo, requestMeta } from "../rest/request-meta";
import { appRouter } from "../router";

/** tRPC over fetch at /api/trpc, as a plain (Request) => Response function like the REST handlers. */
export function handleTrpcRequest(req: Request, connection: ConnectionInfo = { ip: null }): Promise<Response> {
  const reqId = newReqId();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createRequestContext(requestMeta(req, connection, reqId)),
    responseMeta: () => ({ headers: new Headers({ "x-request-id": reqId }) }),
    onError: ({ error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") getLogger().error({ reqId, err: error.cause ?? error }, "procedure failed");
    },
  });
}
