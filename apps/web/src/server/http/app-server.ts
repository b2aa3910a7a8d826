import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { getConfig } from "../config";
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
    if (!isApi) return fallback(req, res);
    try {
      const ip = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"]?.toString(), isTrustedProxy);
      const request = await toWebRequest(req);
      const handler = path.startsWith("/api/trpc/") ? handleTrpcRequest : handleRestRequest;
      await sendWebResponse(res, await handler(request, { ip }));
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendBodyTooLarge(res);
      console.error("request failed", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ statusCode: 500, message: "Something went wrong", error: "InternalServerError" }));
    }
  });
}
