import { joinIssueMessages, type OciAuthIssue, OciAuthError } from "./errors";

export interface RestCallOptions {
  /** Base URL of the service, e.g. http://localhost:3000 */
  url: string;
  fetch?: typeof fetch;
  /** Abort the request after this many milliseconds (default 30 000). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** POSTs JSON to a REST path of the service; any failure rejects with OciAuthError. */
export function postJson<T>(options: RestCallOptions, path: string, body: unknown): Promise<T> {
  return requestJson<T>(options, { method: "POST", path, json: body });
}

export interface RestRequest {
  method: "GET" | "POST";
  path: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** A JSON body… */
  json?: unknown;
  /** …or a form-encoded one (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
}

/** Calls a REST path of the service and parses its JSON answer; any failure rejects with OciAuthError. */
export async function requestJson<T>(options: RestCallOptions, request: RestRequest): Promise<T> {
  const url = `${options.url.replace(/\/+$/, "")}${request.path}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let body: string | undefined;
  if (request.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(request.form).toString();
  } else if (request.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.json);
  }
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { method: request.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw networkError(url, error, timeoutMs);
  }
  const text = await response.text().catch(() => "");
  const json = parseJson(text);
  if (!response.ok) throw errorFromResponse(response, json, text);
  if (json === undefined) {
    throw new OciAuthError(response.status, "InvalidResponse", `Expected JSON from ${url}, got: ${snippet(text)}`);
  }
  return json as T;
}

function networkError(url: string, error: unknown, timeoutMs: number): OciAuthError {
  const name = (error as Error | undefined)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return new OciAuthError(0, "NetworkError", `Request to ${url} timed out after ${timeoutMs} ms`, undefined, { cause: error });
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  // undici: TypeError("fetch failed") with the socket error as cause (an AggregateError has no message).
  const reason = cause?.message || cause?.code || (error as Error | undefined)?.message || String(error);
  return new OciAuthError(0, "NetworkError", `Could not reach ${url}: ${reason}`, undefined, { cause: error });
}

/** Infisical's envelope `{statusCode, error, message}`; a 422's message is the array of zod issues. */
function errorFromResponse(response: Response, json: unknown, text: string): OciAuthError {
  const body = (json ?? {}) as { error?: unknown; message?: unknown };
  const error = typeof body.error === "string" ? body.error : response.statusText || "HttpError";
  if (Array.isArray(body.message)) {
    const issues = body.message as OciAuthIssue[];
    return new OciAuthError(response.status, error, joinIssueMessages(issues), issues);
  }
  const message = typeof body.message === "string" ? body.message : `HTTP ${response.status}${text ? `: ${snippet(text)}` : ""}`;
  return new OciAuthError(response.status, error, message);
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

const snippet = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
