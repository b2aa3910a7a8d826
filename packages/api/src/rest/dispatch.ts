import { idSchema, messages, restInput } from "@ociauth/schema";
import { createRequestContext } from "../core/context";
import { AppError, badRequest, notFound } from "../core/errors";
import { getLogger } from "../core/logger";
import { authenticate } from "../services/auth/authenticate";
import type { FileStream } from "../operations/define-operation";
import {
  errorReply,
  type JsonReply,
  jsonReply,
  replyRequestId,
  serverTimingHeader,
  type StreamReply,
  toFetchResponse,
} from "./error-envelope";
import { type ApiRequest, type ConnectionInfo, requestMeta } from "./request-meta";
import { inputSource, type RestRoute, restRoutesInMatchOrder } from "./rest-routes";

export const MAX_BODY_BYTES = 1024 * 1024;

type Match = { route: RestRoute; params: Record<string, string> } | { allow: string[] } | null;

/** The route for method + path; a known path with another method gives the methods it allows (405). */
function match(method: string, pathname: string): Match {
  const parts = pathname.replace(/\/+$/, "").split("/");
  const allow: string[] = [];
  for (const route of restRoutesInMatchOrder) {
    const { segments } = route;
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
    const routeMethod = route.rest.method;
    if (routeMethod === method || (method === "HEAD" && routeMethod === "GET")) return { route, params };
    allow.push(routeMethod);
  }
  if (allow.length === 0) return null;
  if (allow.includes("GET")) allow.push("HEAD");
  return { allow };
}

/** The REST route's path template for metrics labels (`/api/v1/identities/:identityId`), or null when none matches. */
export function restRouteTemplate(method: string, pathname: string): string | null {
  const found = match(method, pathname);
  return found && "route" in found ? found.route.path : null;
}

/** Path ids answered like a missing record when they are not UUIDs (Terraform's import reads the 404 as "not found"). */
const NOT_FOUND_UNLESS_UUID: Record<string, (id: string) => string> = { identityId: messages.identityNotFound };
const uuid = idSchema("id");

function refuseUnknownPathIds(params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    const missing = NOT_FOUND_UNLESS_UUID[name];
    if (missing && !uuid.safeParse(value).success) throw notFound(missing(value));
  }
}

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** A form body's parameters; one given twice is refused (RFC 7662 §2.1: each at most once). */
function parseFormBody(text: string): Record<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (fields.has(name)) throw badRequest(`Form parameter ${name.slice(0, 64)} is given more than once`);
    fields.set(name, value);
  }
  // fromEntries defines own properties: a parameter named __proto__ stays a field.
  return Object.fromEntries(fields);
}

async function readBody(req: ApiRequest, acceptsForm: boolean): Promise<unknown> {
  const text = await req.text();
  if (text.length === 0) return {};
  const type = req.headers.get("content-type") ?? "";
  const isForm = acceptsForm && FORM_TYPE.test(type);
  if (!isForm && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw badRequest(
      acceptsForm ? "Content-Type must be application/json or application/x-www-form-urlencoded" : "Content-Type must be application/json",
    );
  }
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "Request body is too large (limit 1 MiB)");
  if (isForm) return parseFormBody(text);
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

/** A download: the API's usual headers, the file's content type, a name to save it under, the chunks to stream. */
function streamReply(file: FileStream, reqId: string, extra: Record<string, string>): StreamReply {
  const { headers } = jsonReply(null, 200, reqId, extra);
  const safeName = file.fileName.replaceAll(/[^\w.-]/g, "_");
  return {
    status: 200,
    headers: { ...headers, "content-type": file.contentType, "content-disposition": `attachment; filename="${safeName}"` },
    stream: file.chunks,
  };
}

/** Serves every operation that has a REST binding, as a fetch Response (tests, other hosts). */
export async function handleRestRequest(req: ApiRequest, connection: ConnectionInfo = { ip: null }): Promise<Response> {
  return toFetchResponse(await dispatchRest(req, connection));
}

/**
 * The REST dispatch itself: request in, complete JSON answer out; or, for a `stream` operation
 * (exports), the head of the answer once every check passed, with the chunks still to be produced.
 */
export async function dispatchRest(req: ApiRequest, connection: ConnectionInfo = { ip: null }): Promise<JsonReply | StreamReply> {
  const reqId = replyRequestId();
  try {
    const url = new URL(req.url);
    const found = match(req.method, url.pathname);
    if (found === null) throw notFound(`Route ${req.method}:${url.pathname} not found`);
    if ("allow" in found) {
      throw new AppError("METHOD_NOT_ALLOWED", `Method ${req.method} is not allowed on ${url.pathname}`, { allow: found.allow });
    }
    const { route, params } = found;
    const { operation, rest } = route;
    const source = inputSource(rest.method);
    const part =
      source === "body" ? await readBody(req, rest.formBody === true) : source === "query" ? Object.fromEntries(url.searchParams) : {};
    const baseCtx = await createRequestContext(requestMeta(req, connection, reqId));
    // As in Infisical, authentication comes before validation: 401/403 take precedence over 422.
    const ctx = operation.auth ? await authenticate(baseCtx) : baseCtx;
    refuseUnknownPathIds(params);
    const input = operation.input ? operation.input.parse(restInput(part, params)) : undefined;
    const result = await operation.handler(ctx, input);
    if (operation.kind === "stream") return streamReply(result as FileStream, reqId, serverTimingHeaders(ctx.meta.timings));
    const body = rest.view ? rest.view.response.parse(rest.view.present(result)) : operation.output.parse(result);
    return jsonReply(body, 200, reqId, serverTimingHeaders(ctx.meta.timings));
  } catch (error) {
    const reply = errorReply(error, reqId);
    if (reply.status === 500) getLogger().error({ reqId, err: error }, "request failed");
    return reply;
  }
}
