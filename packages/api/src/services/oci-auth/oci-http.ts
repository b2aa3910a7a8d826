import http from "node:http";
import https from "node:https";
import { activeTracing } from "../../core/tracing";

export type OciCallResult =
  | {
      kind: "answered";
      status: number;
      body: Record<string, unknown>;
      retryAfter: string | null;
      opcRequestId: string | null;
      elapsedMs: number;
    }
  | { kind: "unreachable"; reason: string; elapsedMs: number };

const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * One request to an OCI endpoint with exactly the given (signed) headers and body. Uses
 * node:http(s) because fetch drops a caller-set Host header; follows no redirects. `timeoutMs`
 * is a total deadline for the whole call (connect, headers, body), not an idle timeout: an
 * endpoint that drips its answer cannot hold a login longer than that. `endpoint` (tests and
 * local development only) replaces scheme+host+port of `https://<host>`, while the Host header
 * stays the signed one. A body that is not a JSON object reads as `{}`.
 */
export interface OciCall {
  method: "GET" | "POST";
  host: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  endpoint?: string;
  timeoutMs: number;
}

/**
 * With tracing on, the call gets a CLIENT span, but its trace context is NOT sent to OCI: every
 * call replays a workload's signed request, whose headers are exactly the ones it signed, and
 * OCI's handling of unsigned extra headers is not documented. The span carries OCI's
 * `opc-request-id` instead, the id to correlate with OCI's side.
 */
export function callOci(input: OciCall): Promise<OciCallResult> {
  const tracing = activeTracing();
  return tracing === undefined ? sendToOci(input) : tracing.traceOciCall(input, () => sendToOci(input));
}

function sendToOci(input: OciCall): Promise<OciCallResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  const base = new URL(input.endpoint ?? `https://${input.host}`);
  const transport = base.protocol === "http:" ? http : https;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: OciCallResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const deadline = setTimeout(() => {
      settle({ kind: "unreachable", reason: `no complete answer within ${input.timeoutMs} ms`, elapsedMs: elapsed() });
      req.destroy();
    }, input.timeoutMs);
    const req = transport.request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port || undefined,
        servername: base.protocol === "https:" ? base.hostname : undefined,
        method: input.method,
        path: input.path,
        headers: input.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new Error("response too large"));
          else chunks.push(chunk);
        });
        res.on("end", () => {
          let body: Record<string, unknown> = {};
          try {
            const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
          } catch {
            body = {};
          }
          settle({
            kind: "answered",
            status: res.statusCode ?? 0,
            body,
            retryAfter: res.headers["retry-after"]?.toString() ?? null,
            opcRequestId: res.headers["opc-request-id"]?.toString() ?? null,
            elapsedMs: elapsed(),
          });
        });
        res.on("error", (error) => settle({ kind: "unreachable", reason: error.message, elapsedMs: elapsed() }));
      },
    );
    req.on("error", (error) => settle({ kind: "unreachable", reason: error.message, elapsedMs: elapsed() }));
    req.end(input.body);
  });
}
