import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { registry } from "../core/metrics";
import { restRouteTemplate } from "../rest/dispatch";
import { normalisePath } from "./normalise-path";
import { WELL_KNOWN_PATHS } from "./well-known";

/**
 * The `route` label of a request: the REST operation's path template, so ids never become label
 * values (a scrape must stay small whatever the traffic). Anything else is one of a few fixed names.
 */
export function metricsRouteLabel(method: string, pathname: string): string {
  if (pathname.startsWith("/api/v1/")) return restRouteTemplate(method, pathname) ?? "unmatched";
  if (pathname.startsWith("/api/trpc/")) return "/api/trpc";
  if (pathname === "/api/docs/json" || WELL_KNOWN_PATHS.has(pathname)) return pathname;
  return "unmatched";
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** `Authorization: Bearer <token>` compared in constant time (digests of equal length, whatever was sent). */
export function carriesMetricsToken(authorization: string | undefined, token: string): boolean {
  const sent = /^Bearer (.+)$/.exec(authorization ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(sent), digest(token));
}

/**
 * Answers a scrape: with a `token` (METRICS_TOKEN), only requests carrying it as a bearer token
 * (401 otherwise); without one, everyone who reaches this listener.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, token: string | undefined): Promise<void> {
  if (token !== undefined && !carriesMetricsToken(req.headers.authorization, token)) {
    res.writeHead(401, { "content-type": "application/json; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' }).end(
      JSON.stringify({
        statusCode: 401,
        error: "Unauthorized",
        message: "Metrics need the METRICS_TOKEN as a bearer token (Authorization: Bearer <token>)",
      }),
    );
    return;
  }
  const body = await registry.metrics();
  res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(body);
}

export function sendMetricsNotFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "application/json; charset=utf-8" }).end(
    JSON.stringify({
      statusCode: 404,
      error: "Not Found",
      message:
        "Metrics are not served here (METRICS=on enables them; on the main port they need METRICS_TOKEN, sent as a bearer token; METRICS_PORT moves them to their own port)",
    }),
  );
}

/** The separate metrics listener (METRICS_PORT): /metrics and nothing else; it asks for METRICS_TOKEN when one is set. */
export function createMetricsServer(token: string | undefined): Server {
  return createServer((req, res) => {
    const target = normalisePath(req.url ?? "/");
    if (target?.pathname === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
      serveMetrics(req, res, token).catch(() => res.writeHead(500).end());
      return;
    }
    sendMetricsNotFound(res);
  });
}
