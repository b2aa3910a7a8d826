import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MAX_BODY_BYTES } from "../rest/dispatch";
import type { StreamReply } from "../rest/error-envelope";
import type { ApiRequest } from "../rest/request-meta";

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * node:http request as the REST dispatch reads it, without building a fetch Request: header
 * lookups go to Node's parsed headers. A body is read first (capped at 1 MiB), as for tRPC.
 */
export async function toApiRequest(req: IncomingMessage): Promise<ApiRequest> {
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? "" : (await readBody(req)).toString("utf8");
  return {
    method,
    url: `http://${trustedHost(req)}${req.url ?? "/"}`,
    headers: {
      get(name) {
        const value = req.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(", ") : value;
      },
    },
    text: () => Promise.resolve(body),
  };
}

/** The URL only carries the (already normalised) path; a Host header that is no host name is not trusted with it. */
const trustedHost = (req: IncomingMessage) =>
  req.headers.host && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(req.headers.host) ? req.headers.host : "localhost";

/** node:http request → fetch Request (body buffered, capped at 1 MiB), for the tRPC fetch adapter. */
export async function toWebRequest(req: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
  return new Request(`http://${trustedHost(req)}${req.url ?? "/"}`, { method, headers, body: body as BodyInit | undefined });
}

export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  // JSON answers are small and complete: one write, no stream between the Response and the socket.
  if (response.headers.get("content-type")?.startsWith("application/json")) return void res.end(Buffer.from(await response.arrayBuffer()));
  await new Promise<void>((resolve, reject) => {
    Readable.fromWeb(response.body as never)
      .on("error", reject)
      .pipe(res)
      .on("finish", resolve)
      .on("error", reject);
  });
}

/**
 * Streams a file to the socket with back-pressure: the next chunk (the next page read from the
 * database) is asked for only once the socket took the previous one, at most one chunk waits in
 * between, and a client that goes away stops the reading (the chunks' generator is closed). A
 * HEAD request gets the headers only: nothing is read. An error after the head was sent cuts
 * the connection, so the client sees a broken download, never a complete-looking one.
 */
export async function sendStreamReply(res: ServerResponse, reply: StreamReply, method: string | undefined): Promise<void> {
  res.writeHead(reply.status, reply.headers);
  if (method === "HEAD") return void res.end();
  await pipeline(Readable.from(reply.stream, { objectMode: true, highWaterMark: 1 }), res);
}

export { BodyTooLargeError };
