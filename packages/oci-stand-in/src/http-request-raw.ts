import { request } from "node:http";
import { type RawResponse } from "./http-get-raw.js";

/**
 * Sends a request with exactly the given headers (Host included) and body. Node's global fetch
 * drops a caller-set Host header, which would break OCI signatures that cover the host.
 */
export function httpRequestRaw(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
