import { createServer, type Server, type ServerResponse } from "node:http";
import { registry } from "../core/metrics";
import { restRouteTemplate } from "../rest/dispatch";
import { normalisePath } from "./normalise-path";

/**
 * The `route` label of a request: the REST operation's path template, so ids never become label
 * values (a scrape must stay small whatever the traffic). Anything else is one of a few fixed names.
 */
export function metricsRouteLabel(method: string, pathname: string): string {
  if (pathname.startsWith("/api/v1/")) return restRouteTemplate(method, pathname) ?? "unmatched";
  if (pathname.startsWith("/api/trpc/")) return "/api/trpc";
  if (pathname === "/api/docs/json") return pathname;
  return "unmatched";
}

export async function serveMetrics(res: ServerResponse): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(body);
}

export function sendMetricsNotFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "application/json; charset=utf-8" }).end(
    JSON.stringify({
      statusCode: 404,
      error: "Not Found",
      message: "Metrics are not served here (METRICS=on enables them; METRICS_PORT moves them to their own port)",
    }),
  );
}

/** The separate metrics listener (METRICS_PORT): /metrics and nothing else. */
export function createMetricsServer(): Server {
  return createServer((req, res) => {
    const target = normalisePath(req.url ?? "/");
    if (target?.pathname === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
      serveMetrics(res).catch(() => res.writeHead(500).end());
      return;
    }
    sendMetricsNotFound(res);
  });
}
