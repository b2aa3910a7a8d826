import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface LocalIssuer {
  /** http://127.0.0.1:PORT, the `iss` of its tokens. */
  url: string;
  /** Requests per path so far. */
  requests: (path: string) => number;
  /** A new ES256 key; published unless `publish: false`. */
  addKey(kid: string, options?: { publish?: boolean }): Promise<void>;
  /** Publishes a key created with `publish: false` (a rotation as the key set shows it). */
  publish(kid: string): void;
  /** A signed identity access token (claims override the defaults; `null` removes one). */
  sign(kid: string, claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /** What the introspection endpoint answers, given the form fields and the caller's Bearer token. */
  introspect: (form: URLSearchParams, bearer: string | undefined) => { status: number; body: unknown };
  /** The discovery document's issuer (default: url). */
  discoveryIssuer?: string;
  close(): Promise<void>;
}

/** A small issuer of the service's shape (discovery, JWKS, introspection) for unit tests, signing with its own keys. */
export async function startLocalIssuer(): Promise<LocalIssuer> {
  const keys = new Map<string, { pair: KeyPair; jwk: JWK; published: boolean }>();
  const counts = new Map<string, number>();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const issuer: LocalIssuer = {
    url,
    requests: (path) => counts.get(path) ?? 0,
    async addKey(kid, { publish = true } = {}) {
      const pair = await generateKeyPair("ES256", { extractable: true });
      keys.set(kid, { pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: "ES256", use: "sig" }, published: publish });
    },
    publish(kid) {
      keys.get(kid)!.published = true;
    },
    async sign(kid, claims = {}, header = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss: url,
        sub: "identity-1",
        aud: url,
        iat: now,
        nbf: now,
        exp: now + 600,
        jti: "token-1",
        authTokenType: "identityAccessToken",
        identityId: "identity-1",
        orgId: "org-1",
        authMethod: "oci-auth",
        ociauth: {
          org_id: "org-1",
          org_slug: "acme",
          identity_name: "billing-worker",
          auth_method: "oci-auth",
          principal_type: "instance",
        },
        ...claims,
      };
      for (const [name, value] of Object.entries(payload)) if (value === null) delete payload[name];
      return new SignJWT(payload).setProtectedHeader({ alg: "ES256", kid, typ: "JWT", ...header }).sign(keys.get(kid)!.pair.privateKey);
    },
    introspect: () => ({ status: 200, body: { active: false } }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", url).pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    let body = "";
    for await (const chunk of req) body += String(chunk);
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    if (path === "/.well-known/openid-configuration") {
      return reply(200, {
        issuer: issuer.discoveryIssuer ?? url,
        jwks_uri: `${url}/.well-known/jwks.json`,
        introspection_endpoint: `${url}/api/v1/auth/token/introspect`,
        introspection_endpoint_auth_methods_supported: ["bearer"],
        id_token_signing_alg_values_supported: ["ES256"],
        subject_types_supported: ["public"],
        response_types_supported: ["token"],
        claims_supported: ["iss", "sub", "aud"],
      });
    }
    if (path === "/.well-known/jwks.json") return reply(200, { keys: [...keys.values()].filter((k) => k.published).map((k) => k.jwk) });
    if (path === "/api/v1/auth/token/introspect" && req.method === "POST") {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const form = req.headers["content-type"] === "application/x-www-form-urlencoded" ? new URLSearchParams(body) : new URLSearchParams();
      const answer = issuer.introspect(form, bearer);
      return reply(answer.status, answer.body);
    }
    reply(404, { statusCode: 404, message: "Not found", error: "NotFound" });
  }

  return issuer;
}
