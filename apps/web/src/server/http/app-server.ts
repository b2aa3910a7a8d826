import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { getConfig } from "../config";
import { getLogger } from "../logger";
import { CLIENT_IP_HEADER } from "../dashboard/client-ip-header";
import { handleRestRequest } from "../rest/dispatch";
import { createProxyMatcher, resolveClientIp } from "./client-ip";
import { BodyTooLargeError, sendBodyTooLarge, sendWebResponse, toWebRequest } from "./node-adapter";
import { handleTrpcRequest } from "./trpc-handler";

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * The production HTTP server: /api/v1/* and /api/trpc/* go straight to the same handler
 * functions Next's route files mount (skipping Next's request pipeline, and knowing the socket's
 * address); everything else is handed to Next (`fallback`).
 */
export function createAppServer(fallback: NodeHandler): Server {
  const isTrustedProxy = createProxyMatcher(getConfig().TRUSTED_PROXIES);
  return createServer(async (req, res) => {
    const path = req.url ?? "/";
    const isApi = path.startsWith("/api/v1/") || path.startsWith("/api/trpc/");
    const ip = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"]?.toString(), isTrustedProxy);
    if (!isApi) {
      // Dashboard pages and server actions read the caller's address from here (never the client's own value).
      delete req.headers[CLIENT_IP_HEADER];
      if (ip) req.headers[CLIENT_IP_HEADER] = ip;
      return fallback(req, res);
    }
    const started = performance.now();
    let reqId: string | null = null;
    res.once("finish", () => {
      // Method, path without the query string, status: never headers or bodies (tokens, signatures).
      getLogger().info(
        { reqId, method: req.method, path: path.split("?")[0], status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10, ip },
        "request",
      );
    });
    try {
      const request = await toWebRequest(req);
      const handler = path.startsWith("/api/trpc/") ? handleTrpcRequest : handleRestRequest;
      const response = await handler(request, { ip });
      reqId = response.headers.get("x-request-id");
      await sendWebResponse(res, response);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendBodyTooLarge(res);
      getLogger().error({ err: error }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ statusCode: 500, message: "Something went wrong", error: "InternalServerError" }));
    }
  });
}
