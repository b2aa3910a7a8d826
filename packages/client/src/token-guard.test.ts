import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccessTokenClaims, createTokenGuard, type ExpressLikeRequest, type TokenGuard } from "./index";
import { closedPortUrl } from "./test/fixture";
import { type LocalIssuer, startLocalIssuer } from "./test/local-issuer";

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("createTokenGuard against a local issuer", () => {
  let issuer: LocalIssuer;
  let guard: TokenGuard;
  let good: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    await issuer.addKey("k1");
    guard = createTokenGuard({ issuer: issuer.url });
    good = await issuer.sign("k1");
  });
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await issuer.close();
  });

  /** A Node http service: GET / answers the identity's name when the guard lets the request in. */
  async function nodeService(handlerGuard = guard) {
    const { server, url } = await listen((req, res) => {
      void handlerGuard.node(req, res).then((claims) => {
        if (claims) res.end(JSON.stringify({ hello: claims.ociauth.identity_name }));
      });
    });
    servers.push(server);
    return url;
  }

  it("node: passes the claims of a good token, answers 401 with the envelope for a missing or bad one", async () => {
    const url = await nodeService();
    const ok = await fetch(url, { headers: bearer(good) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ hello: "billing-worker" });

    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    expect(missing.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await missing.json()).toEqual({
      statusCode: 401,
      message: "Missing access token: send it as Authorization: Bearer <token>",
      error: "UnauthorizedError",
    });

    const expired = await fetch(url, { headers: bearer(await issuer.sign("k1", { exp: Math.floor(Date.now() / 1000) - 60 })) });
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toBe('Bearer error="invalid_token", error_description="expired"');
    expect(await expired.json()).toEqual({ statusCode: 401, message: "The access token has expired", error: "UnauthorizedError" });

    const other = await fetch(url, { headers: bearer(await issuer.sign("k1", { aud: "another-service" })) });
    expect(other.status).toBe(401);
    expect(((await other.json()) as { message: string }).message).toMatch(/not for this audience/);
    expect((await fetch(url, { headers: { authorization: `Basic ${good}` } })).status).toBe(401);
  });

  it("node: answers 503 when the issuer cannot be reached", async () => {
    const url = await nodeService(createTokenGuard({ issuer: await closedPortUrl() }));
    const res = await fetch(url, { headers: bearer(good) });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ statusCode: 503, error: "ServiceUnavailable" });
  });

  it("nextRoute: runs the handler with the request and the route's context plus the claims, or answers 401", async () => {
    const calls: [string, AccessTokenClaims][] = [];
    const GET = guard.nextRoute<{ params: Promise<{ id: string }> }>(async (request, { params, claims }) => {
      calls.push([request.url, claims]);
      return Response.json({ id: (await params).id, sub: claims.sub });
    });
    // As the README shows it: no context type, claims from the second argument.
    const POST = guard.nextRoute(async (_request, { claims }) => Response.json({ org: claims.ociauth.org_slug }));
    expect(
      await (
        await POST(new Request("http://app.local/x", { method: "POST", headers: bearer(good) }), { params: Promise.resolve({}) })
      ).json(),
    ).toEqual({
      org: "acme",
    });
    const context = { params: Promise.resolve({ id: "42" }) };
    const ok = await GET(new Request("http://app.local/api/items/42", { headers: bearer(good) }), context);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: "42", sub: "identity-1" });
    expect(calls[0]![0]).toBe("http://app.local/api/items/42");

    const refused = await GET(new Request("http://app.local/api/items/42", { headers: bearer(`${good}x`) }), context);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ statusCode: 401, error: "UnauthorizedError" });
    expect(calls).toHaveLength(1);
  });

  it("express: sets req.ociauth and calls next(), or answers 401 without calling next (structural types, Node's req/res)", async () => {
    const middleware = guard.express();
    let nextCalls = 0;
    const { server, url } = await listen((req, res) => {
      // Express's req and res are Node's, with more on them.
      middleware(req as IncomingMessage & ExpressLikeRequest, res, (error?: unknown) => {
        nextCalls++;
        if (error) return res.writeHead(500).end();
        res.end(JSON.stringify({ org: (req as ExpressLikeRequest).ociauth?.ociauth.org_slug }));
      });
    });
    servers.push(server);
    const ok = await fetch(url, { headers: bearer(good) });
    expect(await ok.json()).toEqual({ org: "acme" });
    const refused = await fetch(url, { headers: bearer(await issuer.sign("k1", { authTokenType: "accessToken" })) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      statusCode: 401,
      message: "The token is a dashboard session, not an identity access token",
      error: "UnauthorizedError",
    });
    expect(nextCalls).toBe(1);
  });

  it("online mode needs this service's own token; a refusal of that token is passed to next() (a server error, not a 401)", async () => {
    expect(() => createTokenGuard({ issuer: issuer.url, mode: "online" })).toThrow(/needs accessToken/);
    issuer.introspect = () => ({ status: 401, body: { statusCode: 401, message: "Token expired", error: "UnauthorizedError" } });
    const middleware = createTokenGuard({ issuer: issuer.url, mode: "online", accessToken: "stale" }).express();
    const nextError = await new Promise<unknown>((resolve) => {
      const res = { statusCode: 200, setHeader: () => undefined, end: () => resolve("answered") };
      middleware({ headers: bearer(good) }, res, resolve);
    });
    expect(nextError).toMatchObject({ name: "OciAuthError", status: 401 });
  });
});
