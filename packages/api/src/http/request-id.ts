import type { IncomingMessage } from "node:http";
import { acceptedRequestId, type LogContext, traceIdFromTraceparent } from "../core/log-context";
import { newReqId } from "../rest/error-envelope";

/** A request's ids: the caller's valid X-Request-Id (an invalid one is dropped, never echoed) or a new one, and the trace id of its `traceparent`. */
export function requestLogContext(req: IncomingMessage): LogContext {
  const requestId = acceptedRequestId(req.headers["x-request-id"]) ?? newReqId();
  const traceId = traceIdFromTraceparent(req.headers.traceparent);
  return traceId ? { requestId, traceId } : { requestId };
}
