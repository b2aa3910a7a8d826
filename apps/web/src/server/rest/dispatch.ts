import { createRequestContext } from "../context";
import { AppError, badRequest, notFound } from "../errors";
import { getLogger } from "../logger";
import { authenticate } from "../services/auth/authenticate";
import type { RestRoute } from "./define-route";
import { jsonErrorResponse, jsonResponse, newReqId, serverTimingHeader } from "./error-envelope";
import { type ConnectionInfo, requestMeta } from "./request-meta";
import { restRoutes } from "./routes";

export const MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute {
  route: RestRoute;
  segments: string[];
}

const compiled: CompiledRoute[] = restRoutes.map((route) => ({ route, segments: route.path.split("/") }));

type Match = { route: RestRoute; params: Record<string, string> } | { allow: string[] } | null;

/** The route for method + path; a known path with another method gives the methods it allows (405). */
function match(method: string, pathname: string): Match {
  const parts = pathname.replace(/\/+$/, "").split("/");
  const allow: string[] = [];
  for (const { route, segments } of compiled) {
    if (segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const seg = segments[i]!;
      const part = parts[i]!;
      if (seg.startsWith(":")) {
        try {
          params[seg.slice(1)] = decodeURIComponent(part);
        } catch {
          ok = false;
        }
      } else ok = seg === part;
    }
    if (!ok) continue;
    if (route.method === method || (method === "HEAD" && route.method === "GET")) return { route, params };
    allow.push(route.method);
  }
  if (allow.length === 0) return null;
  if (allow.includes("GET")) allow.push("HEAD");
  return { allow };
}

async function readJsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.length === 0) return {};
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw badRequest("Content-Type must be application/json");
  }
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "Request body is too large (limit 1 MiB)");
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("Malformed JSON in request body");
  }
}

function serverTimingHeaders(timings: Record<string, number> | undefined): Record<string, string> {
  const value = serverTimingHeader(timings);
  return value ? { "server-timing": value } : {};
}

/**
 * Serves every Infisical-compatible REST endpoint as a plain (Request) => Response function, so
 * Next's route file and the production HTTP server mount the very same code.
 */
export async function handleRestRequest(req: Request, connection: ConnectionInfo = { ip: null }): Promise<Response> {
  const reqId = newReqId();
  try {
    const url = new URL(req.url);
    const found = match(req.method, url.pathname);
    if (found === null) throw notFound(`Route ${req.method}:${url.pathname} not found`);
    if ("allow" in found) {
      throw new AppError("METHOD_NOT_ALLOWED", `Method ${req.method} is not allowed on ${url.pathname}`, { allow: found.allow });
    }
    const { route, params } = found;
    const rawBody = route.body ? await readJsonBody(req) : undefined;
    const baseCtx = await createRequestContext(requestMeta(req, connection, reqId));
    // As in Infisical, authentication comes before validation: 401/403 take precedence over 422.
    const ctx = route.auth ? await authenticate(baseCtx) : baseCtx;
    const input = {
      params: route.params ? route.params.parse(params) : undefined,
      query: route.query ? route.query.parse(Object.fromEntries(url.searchParams)) : undefined,
      body: route.body ? route.body.parse(rawBody) : undefined,
    };
    const result = await route.handle(ctx, input);
    return jsonResponse(route.response.parse(result), 200, reqId, serverTimingHeaders(ctx.meta.timings));
  } catch (error) {
    const response = jsonErrorResponse(error, reqId);
    if (response.status === 500) getLogger().error({ reqId, err: error }, "request failed");
    return response;
  }
}
