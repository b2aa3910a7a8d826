import http from "node:http";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): any;
}

/**
 * One HTTP request with the path sent exactly as given (fetch and URL would resolve `/./` and
 * `/../` before sending, as `curl --path-as-is` does not). `body` may be a string, or a number of
 * bytes to stream in chunks (chunked transfer encoding, no Content-Length).
 */
export function rawRequest(
  baseUrl: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | { streamBytes: number };
    /** The local address to connect from, e.g. 127.0.0.2 to be another caller on loopback. */
    localAddress?: string;
  },
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
        // From another local address on a connection of its own (a pooled one keeps its address).
        ...(options.localAddress ? { localAddress: options.localAddress, agent: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      // The server may close the connection after answering 413 while we are still sending.
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
    });
    const body = options.body;
    if (typeof body === "string") req.end(body);
    else if (body) {
      const chunk = Buffer.alloc(64 * 1024, "a");
      let sent = 0;
      const pump = () => {
        while (sent < body.streamBytes && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    } else req.end();
  });
}
