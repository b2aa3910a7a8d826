// What the L0 and L1 baselines share: scenario (a) served from memory, the way the app serves it
// once its cache is warm. The ES256 token is verified as the app verifies it (token-verifier.ts:
// once with jose, then remembered by its string, its expiry still checked on every use); the identities and their OCI auth configs are
// read from the database once at start into a Map; the response is the app's JSON (the same keys
// in the same order, trusted IPs as stored: `{ipAddress, type, prefix?}`). No revocation check and
// no permission check beyond "the token's organisation is the identity's": the floor of the work.
import { createServer, type IncomingMessage } from "node:http";
import { type ConfigRow, READ_PATH, type QueryRunner, type Reply } from "./common.js";
import { createTokenVerifier } from "./token-verifier.js";

interface TrustedIp {
  ipAddress: string;
  type: string;
  prefix?: number;
}

/** The app's `identityOciAuth` object, keys in the app's order. */
interface OciAuthDto {
  id: string;
  createdAt: string;
  updatedAt: string;
  identityId: string;
  type: string;
  tenancyOcid: string;
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  accessTokenNumUsesLimit: number;
  accessTokenTrustedIps: TrustedIp[];
  allowedUsernames: string | null;
  accessTokenPeriod: number;
}

export interface IdentityEntry {
  orgId: string;
  name: string;
  ociAuth: OciAuthDto | null;
}

/** A config row with its identity's organization and name (`id` is null for an identity without a config). */
type LoadRow = Omit<ConfigRow, "id" | "createdAt" | "updatedAt"> & {
  orgId: string;
  name: string;
  id: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
};

const LOAD_SQL = `SELECT i.id AS "identityId", i."orgId", i.name, o.id, o.type, o."tenancyOcid", o."allowedUsernames",
    o."accessTokenTTL", o."accessTokenMaxTTL", o."accessTokenNumUsesLimit", o."accessTokenTrustedIps", o."accessTokenPeriod",
    o."createdAt", o."updatedAt"
  FROM identities i LEFT JOIN identity_oci_auths o ON o."identityId" = i.id`;

/** Every identity (the actor's name is in the audit row) with its OCI auth config, if any. */
export async function loadIdentities(runner: QueryRunner): Promise<Map<string, IdentityEntry>> {
  const rows = await runner.query<LoadRow>(LOAD_SQL, []);
  const map = new Map<string, IdentityEntry>();
  for (const row of rows) {
    const stored = (typeof row.accessTokenTrustedIps === "string" ? JSON.parse(row.accessTokenTrustedIps) : row.accessTokenTrustedIps) as
      TrustedIp[] | null;
    map.set(row.identityId, {
      orgId: row.orgId,
      name: row.name,
      ociAuth:
        row.id === null
          ? null
          : {
              id: row.id,
              createdAt: new Date(row.createdAt).toISOString(),
              updatedAt: new Date(row.updatedAt).toISOString(),
              identityId: row.identityId,
              type: row.type,
              tenancyOcid: row.tenancyOcid,
              accessTokenTTL: row.accessTokenTTL,
              accessTokenMaxTTL: row.accessTokenMaxTTL,
              accessTokenNumUsesLimit: row.accessTokenNumUsesLimit,
              // jsonb returns keys in its own order: back to the app's.
              accessTokenTrustedIps: (stored ?? []).map(({ ipAddress, type, prefix }) =>
                prefix === undefined ? { ipAddress, type } : { ipAddress, type, prefix },
              ),
              allowedUsernames: row.allowedUsernames,
              accessTokenPeriod: row.accessTokenPeriod,
            },
    });
  }
  return map;
}

/** What one successful read was: the L1 baseline writes it as an audit row. */
export interface ReadEvent {
  orgId: string;
  actorId: string;
  actorName: string;
  identityId: string;
  ipAddress: string | null;
  userAgent: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const error = (status: number, message: string): Reply => ({ status, body: JSON.stringify({ statusCode: status, message }) });

/**
 * The read of scenario (a) from memory. `record` (L1) is awaited before the reply is returned, so
 * a response is only written once its audit row is committed.
 */
export function createMemoryReadHandler(
  identities: Map<string, IdentityEntry>,
  publicKeys: Map<string, CryptoKey>,
  record?: (event: ReadEvent) => Promise<void>,
) {
  const verifyToken = createTokenVerifier(publicKeys);

  async function verify(token: string): Promise<{ identityId: string; orgId: string } | "expired" | null> {
    const result = await verifyToken(token);
    if (result === "expired") return result;
    if (result === "invalid") return null;
    const { payload } = result;
    if (payload.authTokenType !== "identityAccessToken" || typeof payload.identityId !== "string" || typeof payload.jti !== "string")
      return null;
    return { identityId: payload.identityId, orgId: String(payload.orgId) };
  }

  return async (req: IncomingMessage, identityId: string): Promise<Reply> => {
    if (!UUID.test(identityId)) return error(422, "invalid identityId");
    const authorization = req.headers.authorization;
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : undefined;
    if (!token) return error(401, "Token missing");
    const claims = await verify(token);
    if (claims === null || claims === "expired") return error(claims === null ? 403 : 401, "invalid token");
    const actor = identities.get(claims.identityId);
    if (!actor) return error(401, "invalid token");
    const target = identities.get(identityId);
    if (!target || target.orgId !== claims.orgId) return error(404, `Identity with ID ${identityId} not found`);
    if (!target.ociAuth) return error(404, "The identity does not have OCI Auth attached");
    if (record) {
      const socketIp = req.socket.remoteAddress ?? null;
      await record({
        orgId: target.orgId,
        actorId: claims.identityId,
        actorName: actor.name,
        identityId,
        ipAddress: socketIp?.startsWith("::ffff:") ? socketIp.slice(7) : socketIp,
        userAgent: req.headers["user-agent"]?.slice(0, 512) ?? null,
      });
    }
    return { status: 200, body: JSON.stringify({ identityOciAuth: target.ociAuth }) };
  };
}

/**
 * A raw node:http server for the read; `stats` (if given) answers `GET /_bench/stats` for the
 * bench (not part of the measured work).
 */
export function serveReads(options: {
  name: string;
  port: number;
  host: string;
  describe: string;
  handle: (req: IncomingMessage, identityId: string) => Promise<Reply>;
  stats?: () => unknown;
  close: () => Promise<void>;
}) {
  const { handle, stats } = options;
  const server = createServer((req, res) => {
    const match = req.method === "GET" ? READ_PATH.exec(req.url ?? "") : null;
    if (!match) {
      if (stats && req.method === "GET" && req.url === "/_bench/stats") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats()));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end('{"statusCode":404}');
      return;
    }
    handle(req, match[1]!).then(
      (reply) => res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" }).end(reply.body),
      (failure: unknown) => {
        console.error(failure);
        res.writeHead(500, { "content-type": "application/json" }).end('{"statusCode":500}');
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  server.listen(options.port, options.host, () =>
    console.log(`${options.name} listening on http://${options.host}:${options.port} (${options.describe})`),
  );
  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    options.close().finally(() => process.exit(0));
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}
