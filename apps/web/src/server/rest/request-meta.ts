import type { RequestMeta } from "../context";

export interface ConnectionInfo {
  /** The resolved client address (see http/client-ip.ts); null when the transport cannot tell. */
  ip: string | null;
}

export function requestMeta(req: Request, connection: ConnectionInfo, reqId: string): RequestMeta {
  return {
    reqId,
    ip: connection.ip,
    userAgent: req.headers.get("user-agent")?.slice(0, 512) ?? null,
    authorization: req.headers.get("authorization"),
  };
}
