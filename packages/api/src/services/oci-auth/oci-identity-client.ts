import http from "node:http";
import https from "node:https";

export interface OciUser {
  id: string;
  compartmentId: string;
  name: string;
  lifecycleState?: string;
}

export type GetUserResult =
  | { kind: "ok"; user: OciUser; opcRequestId: string | null; elapsedMs: number }
  | { kind: "rejected"; status: number; code: string; retryAfter: string | null; opcRequestId: string | null; elapsedMs: number }
  | { kind: "unreachable"; reason: string; elapsedMs: number };

const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * GET https://{host}/20160918/users/{userOcid} with exactly the signed headers. Uses node:http(s)
 * because fetch drops a caller-set Host header; follows no redirects. `timeoutMs` is a total
 * deadline for the whole call (connect, headers, body), not an idle timeout: an endpoint that
 * drips its answer cannot hold a login longer than that.
 * `endpoint` (OCI_IDENTITY_ENDPOINT, tests/local development only) replaces scheme+host+port,
 * while the Host header stays the signed one.
 */
export function getOciUser(input: {
  host: string;
  userOcid: string;
  headers: Record<string, string>;
  endpoint?: string;
  timeoutMs: number;
}): Promise<GetUserResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  const base = new URL(input.endpoint ?? `https://${input.host}`);
  const transport = base.protocol === "http:" ? http : https;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: GetUserResult) => {
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
        method: "GET",
        path: `/20160918/users/${encodeURIComponent(input.userOcid)}`,
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
          const opcRequestId = res.headers["opc-request-id"]?.toString() ?? null;
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
          } catch {
            body = {};
          }
          const status = res.statusCode ?? 0;
          if (status === 200 && typeof body.compartmentId === "string" && typeof body.name === "string") {
            settle({ kind: "ok", user: body as unknown as OciUser, opcRequestId, elapsedMs: elapsed() });
          } else if (status === 200) {
            settle({ kind: "unreachable", reason: "unexpected response from OCI", elapsedMs: elapsed() });
          } else {
            const retryAfter = res.headers["retry-after"]?.toString() ?? null;
            settle({ kind: "rejected", status, code: String(body.code ?? "Unknown"), retryAfter, opcRequestId, elapsedMs: elapsed() });
          }
        });
        res.on("error", (error) => settle({ kind: "unreachable", reason: error.message, elapsedMs: elapsed() }));
      },
    );
    req.on("error", (error) => settle({ kind: "unreachable", reason: error.message, elapsedMs: elapsed() }));
    req.end();
  });
}
