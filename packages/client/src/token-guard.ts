import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { TokenVerificationError } from "./errors";
import { type AccessTokenClaims, verifyAccessToken, type VerifyAccessTokenOptions } from "./verify-access-token";

export type TokenGuardOptions = Omit<VerifyAccessTokenOptions, "clientIp">;

/** The service's error envelope, as a guarded endpoint answers a refused request. */
export interface GuardErrorBody {
  statusCode: 401 | 503;
  message: string;
  error: "UnauthorizedError" | "ServiceUnavailable";
}

/** The parts of an Express request and response the guard uses (no dependency on Express). */
export interface ExpressLikeRequest {
  headers: IncomingHttpHeaders;
  ociauth?: AccessTokenClaims;
}
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export interface TokenGuard {
  /** Verifies the token of an `Authorization: Bearer …` header; throws TokenVerificationError. */
  verify(authorization: string | null | undefined): Promise<AccessTokenClaims>;
  /** Node's http: the claims, or null after answering 401 (503 when the issuer is unreachable) itself. */
  node(req: IncomingMessage, res: ServerResponse): Promise<AccessTokenClaims | null>;
  /**
   * Next.js route handlers (any `(Request, context) → Response` handler): the handler runs with the
   * route's context plus `claims`, else the request is answered 401.
   */
  nextRoute<C extends object = object>(
    handler: (request: Request, context: C & { claims: AccessTokenClaims }) => Response | Promise<Response>,
  ): (request: Request, context: C) => Promise<Response>;
  /** Express middleware: sets `req.ociauth` to the claims and calls next(), else answers 401. */
  express(): (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (error?: unknown) => void) => void;
}

const MISSING = "Missing access token: send it as Authorization: Bearer <token>";

/**
 * A request guard for a service that accepts this service's identity access tokens. Offline mode
 * (the default) cannot see revocations: see verifyAccessToken's `mode`.
 */
export function createTokenGuard(options: TokenGuardOptions): TokenGuard {
  if (options.mode === "online" && !options.accessToken) throw new TypeError("createTokenGuard: online mode needs accessToken");

  async function verify(authorization: string | null | undefined): Promise<AccessTokenClaims> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match) throw new TokenVerificationError("invalid", MISSING);
    return (await verifyAccessToken(match[1]!, options)).claims;
  }

  /** The claims, or the answer to send (other errors, e.g. this service's own token refused, are thrown). */
  async function check(authorization: string | null | undefined): Promise<{ claims: AccessTokenClaims } | { refused: Refused }> {
    try {
      return { claims: await verify(authorization) };
    } catch (error) {
      if (error instanceof TokenVerificationError) return { refused: refusedAnswer(error, authorization) };
      throw error;
    }
  }

  return {
    verify,
    async node(req, res) {
      const result = await check(req.headers.authorization);
      if ("claims" in result) return result.claims;
      writeRefused(res, result.refused);
      return null;
    },
    nextRoute(handler) {
      return async (request, context) => {
        const result = await check(request.headers.get("authorization"));
        if ("claims" in result) return handler(request, { ...context, claims: result.claims });
        const { body, headers } = result.refused;
        return new Response(JSON.stringify(body), { status: body.statusCode, headers });
      };
    },
    express() {
      return (req, res, next) => {
        check(req.headers.authorization).then((result) => {
          if ("claims" in result) {
            req.ociauth = result.claims;
            next();
          } else writeRefused(res, result.refused);
        }, next);
      };
    },
  };
}

interface Refused {
  body: GuardErrorBody;
  headers: Record<string, string>;
}

function refusedAnswer(error: TokenVerificationError, authorization: string | null | undefined): Refused {
  const headers = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };
  if (error.reason === "unreachable") {
    return { body: { statusCode: 503, message: "The token's issuer cannot be reached: try again", error: "ServiceUnavailable" }, headers };
  }
  // RFC 6750 §3: no error code when no token was sent.
  const challenge = authorization ? `Bearer error="invalid_token", error_description="${error.reason}"` : "Bearer";
  return {
    body: { statusCode: 401, message: error.message, error: "UnauthorizedError" },
    headers: { ...headers, "www-authenticate": challenge },
  };
}

function writeRefused(res: ExpressLikeResponse, { body, headers }: Refused): void {
  res.statusCode = body.statusCode;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(body));
}
