import { AsyncResource } from "node:async_hooks";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { getConfig } from "../core/config";
import { getAccessLogger, getLogger } from "../core/logger";
import { requestLogContext } from "./request-id";
import { runWithLogContext } from "../core/log-context";
import { CLIENT_IP_HEADER } from "./client-ip-header";
import { getOpenApiDocument } from "../rest/openapi-document";
import { dispatchRest, MAX_BODY_BYTES } from "../rest/dispatch";
import { errorReply, type JsonReply, type StreamReply } from "../rest/error-envelope";
import { AppError, badRequest, forbidden, notFound } from "../core/errors";
import { isSameOrigin } from "../rest/request-meta";
import { createProxyMatcher, resolveClientIp } from "./client-ip";
import { isApiPath, normalisePath } from "./normalise-path";
import { BodyTooLargeError, sendStreamReply, sendWebResponse, toApiRequest, toWebRequest } from "./node-adapter";
import { httpRequestDuration, httpRequests } from "../core/metrics";
import { HEALTH_PATHS, serveHealth } from "./health";
import { metricsRouteLabel, sendMetricsNotFound, serveMetrics } from "./metrics-route";
import { withRequestDeadline } from "./request-deadline";
import { serveWellKnown, WELL_KNOWN_PATHS } from "./well-known";
import { handleTrpcRequest } from "./trpc-handler";
import { activeTracing } from "../core/tracing";

/** What serves every request that is not /api/* (the pages: Next). */
export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

const bodyTooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `Request body is too large (limit ${MAX_BODY_BYTES / 1024 / 1024} MiB)`);

/**
 * The production HTTP server and the one front door of the API. Every request is routed on its
 * normalised path (see normalise-path.ts), so no spelling of an /api/* path reaches Next's
 * pipeline: each one gets the caller's address (socket, or X-Forwarded-For from trusted proxies),
 * the body cap enforced while streaming, a request id and an access-log line. Pages and server
 * actions go to Next (`fallback`) with the caller's address in CLIENT_IP_HEADER.
 */
export function createAppServer(fallback: PageHandler): Server {
  const config = getConfig();
  const isTrustedProxy = createProxyMatcher(config.TRUSTED_PROXIES);
  const countRequests = config.METRICS === "on";
  // On the main port only behind METRICS_TOKEN (start-up refuses METRICS=on with neither it nor METRICS_PORT).
  const metricsToken = countRequests && config.METRICS_PORT === undefined ? config.METRICS_TOKEN : undefined;
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const ip = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"]?.toString(), isTrustedProxy);
    const target = normalisePath(req.url ?? "/");
    if (target && HEALTH_PATHS.has(target.pathname)) return serveHealth(target.pathname, req.method, res);
    if (target?.pathname === "/metrics") return metricsToken ? serveMetrics(req, res, metricsToken) : sendMetricsNotFound(res);
    if (target && !isApiPath(target.pathname) && !WELL_KNOWN_PATHS.has(target.pathname)) {
      const declared = Number(req.headers["content-length"] ?? 0);
      // Pages take small form posts only (server actions); a body must declare its size.
      if (declared > MAX_BODY_BYTES) return void sendNodeResponse(res, errorReply(bodyTooLarge()), true);
      if (req.headers["transfer-encoding"] && req.method !== "GET" && req.method !== "HEAD") {
        return void sendNodeResponse(res, errorReply(new AppError("BAD_REQUEST", "A request body must declare its Content-Length")), true);
      }
      // A server action or form post from another site: refused here with a 403 (Next would answer 500).
      if (isCrossSitePageWrite(req)) {
        return void sendNodeResponse(res, errorReply(forbidden("Cross-site request refused: the Origin does not match this site")));
      }
      // Dashboard pages and server actions read the caller's address from here (never the client's own value).
      delete req.headers[CLIENT_IP_HEADER];
      if (ip) req.headers[CLIENT_IP_HEADER] = ip;
      return fallback(req, res);
    }

    const started = performance.now();
    // "close", not "finish": a download the client broke off is logged and counted too. Bound: the line carries the request's ids.
    res.once(
      "close",
      AsyncResource.bind(() => {
        const ms = performance.now() - started;
        // Method, path without the query string, status: never headers or bodies (tokens, signatures).
        getAccessLogger().info(
          { method: req.method, path: target?.pathname ?? "(invalid)", status: res.statusCode, ms: Math.round(ms * 10) / 10, ip },
          "request",
        );
        if (countRequests) {
          const method = req.method ?? "GET";
          const route = target ? metricsRouteLabel(method, target.pathname) : "unmatched";
          httpRequests.inc({ method, route, status: String(res.statusCode) });
          httpRequestDuration.observe({ method, route }, ms / 1000);
        }
      }),
    );
    let response: Response | JsonReply | StreamReply;
    try {
      if (!target) throw badRequest("The request target is not a valid path");
      req.url = target.pathname + target.search;
      // A request that has not produced its answer within REQUEST_TIMEOUT_MS is cancelled and answered 503.
      response = await withRequestDeadline(getConfig().REQUEST_TIMEOUT_MS, () => handleApiRequest(req, target.pathname, ip));
    } catch (error) {
      if (error instanceof BodyTooLargeError) response = errorReply(bodyTooLarge());
      else if (error instanceof AppError) response = errorReply(error);
      else {
        getLogger().error({ err: error }, "request failed");
        response = errorReply(error);
      }
    }
    await sendNodeResponse(res, response, response.status === 413, req.method).catch((error: unknown) => {
      getLogger().warn({ err: error }, "response not fully sent");
    });
  };
  // Every line logged while a request is handled carries its request id (and trace id); the answer echoes the id.
  return createServer((req, res) => {
    const context = requestLogContext(req);
    res.setHeader("x-request-id", context.requestId);
    const tracing = activeTracing(); // undefined unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then one check per request
    if (tracing === undefined) return void runWithLogContext(context, () => serve(req, res));
    return void runWithLogContext(context, () => tracing.traceRequest(req, res, spanRoute(req), () => serve(req, res)));
  });
}

/** The route a request's span is named after: the operation's path template (never ids), a fixed path, or none (pages). */
function spanRoute(req: IncomingMessage): string | undefined {
  const target = normalisePath(req.url ?? "/");
  if (!target) return undefined;
  if (HEALTH_PATHS.has(target.pathname) || target.pathname === "/metrics") return target.pathname;
  const route = metricsRouteLabel(req.method ?? "GET", target.pathname);
  return route === "unmatched" ? undefined : route;
}

async function handleApiRequest(req: IncomingMessage, pathname: string, ip: string | null): Promise<Response | JsonReply | StreamReply> {
  if (WELL_KNOWN_PATHS.has(pathname)) return serveWellKnown(pathname, req.method);
  if (pathname.startsWith("/api/v1/")) return dispatchRest(await toApiRequest(req), { ip });
  if (pathname.startsWith("/api/trpc/")) return handleTrpcRequest(await toWebRequest(req), { ip });
  if (pathname === "/api/docs/json") {
    if (req.method !== "GET" && req.method !== "HEAD")
      throw new AppError("METHOD_NOT_ALLOWED", `Method ${req.method} is not allowed on ${pathname}`, { allow: ["GET", "HEAD"] });
    return Response.json(getOpenApiDocument(), { headers: { "cache-control": "no-cache", "x-content-type-options": "nosniff" } });
  }
  throw notFound(`Route ${req.method}:${pathname} not found`);
}

/** Writes an answer; `closeAfter` ends the connection (a refused body may still be arriving). */
async function sendNodeResponse(res: ServerResponse, response: Response | JsonReply | StreamReply, closeAfter = false, method?: string) {
  if (closeAfter) res.setHeader("connection", "close");
  if (response instanceof Response) return sendWebResponse(res, response);
  if ("stream" in response) return sendStreamReply(res, response, method);
  res.writeHead(response.status, response.headers).end(response.body);
}

const nodeOriginHeaders = (req: IncomingMessage) => ({
  origin: req.headers.origin ?? null,
  host: req.headers.host ?? null,
  secFetchSite: req.headers["sec-fetch-site"]?.toString() ?? null,
});

/**
 * A server action (Next-Action header) not proven same-origin, or any other non-GET/HEAD page
 * request a browser sent from another site (its Origin or Sec-Fetch-Site says so). Requests
 * without either header come from no browser, so carry no ambient cookies to abuse.
 */
function isCrossSitePageWrite(req: IncomingMessage): boolean {
  const headers = nodeOriginHeaders(req);
  if (req.headers["next-action"] !== undefined) return !isSameOrigin(headers);
  if (req.method === "GET" || req.method === "HEAD") return false;
  return (headers.origin !== null || headers.secFetchSite !== null) && !isSameOrigin(headers);
}
