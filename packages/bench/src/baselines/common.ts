// What the raw node:http and Fastify baselines do for scenario (a), on the same database as the app:
// verify the ES256 JWT as the app does (token-verifier.ts: public keys read at start, a verified
// token remembered by its string), one indexed SELECT of the token row, one SELECT of the
// identity's OCI auth config, JSON response. Two queries per request, no ORM, no row cache.
import pg from "pg";
import { createTokenVerifier } from "./token-verifier.js";

export interface QueryRunner {
  query<T>(text: string, params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** PostgreSQL through a `pg` pool (same size as the app's default pool), or PGlite in-process. */
export async function openRunner(env: NodeJS.ProcessEnv): Promise<{ runner: QueryRunner; describe: string }> {
  if (env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DATABASE_POOL_SIZE) || 10 });
    return {
      describe: "PostgreSQL via pg.Pool",
      runner: {
        async query<T>(text: string, params: unknown[]) {
          return (await pool.query(text, params)).rows as T[];
        },
        close: () => pool.end(),
      },
    };
  }
  if (!env.PGLITE_DIR) throw new Error("set DATABASE_URL or PGLITE_DIR");
  // The app's own PGlite opener (same start parameters); the folder must not be open elsewhere.
  const { openDatabase } = await import("@ociauth/db");
  const db = await openDatabase({ kind: "pglite", dataDir: env.PGLITE_DIR });
  const pglite = db.pglite;
  if (!pglite) throw new Error("PGlite did not open");
  return {
    describe: "PGlite in-process",
    runner: {
      async query<T>(text: string, params: unknown[]) {
        return (await pglite.query<T>(text, params)).rows;
      },
      close: () => db.close(),
    },
  };
}

interface TokenRow {
  identityId: string;
}

/** An OCI auth config row as the baselines read it. */
export interface ConfigRow {
  id: string;
  identityId: string;
  type: string;
  tenancyOcid: string;
  allowedUsernames: string | null;
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  accessTokenNumUsesLimit: number;
  accessTokenTrustedIps: unknown;
  accessTokenPeriod: number;
  createdAt: Date;
  updatedAt: Date;
}

const TOKEN_SQL = `SELECT "identityId" FROM identity_access_tokens
  WHERE id = $1 AND "revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > now())`;
const CONFIG_SQL = `SELECT id, "identityId", type, "tenancyOcid", "allowedUsernames", "accessTokenTTL", "accessTokenMaxTTL",
  "accessTokenNumUsesLimit", "accessTokenTrustedIps", "accessTokenPeriod", "createdAt", "updatedAt"
  FROM identity_oci_auths WHERE "identityId" = $1`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Reply {
  status: number;
  body: string;
}

const error = (status: number, message: string): Reply => ({ status, body: JSON.stringify({ statusCode: status, message }) });

/** The request handler shared by both baselines (framework-independent). */
export function createReadHandler(runner: QueryRunner, publicKeys: Map<string, CryptoKey>) {
  const verify = createTokenVerifier(publicKeys);
  return async (authorization: string | undefined, identityId: string): Promise<Reply> => {
    if (!UUID.test(identityId)) return error(422, "invalid identityId");
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : undefined;
    if (!token) return error(401, "Token missing");
    const verified = await verify(token);
    if (verified === "expired") return error(401, "Token expired");
    if (verified === "invalid") return error(403, "invalid token");
    const claims = verified.payload;
    if (typeof claims.jti !== "string" || !UUID.test(claims.jti)) return error(403, "invalid token");
    const [row] = await runner.query<TokenRow>(TOKEN_SQL, [claims.jti]);
    if (!row || row.identityId !== claims.identityId) return error(403, "invalid token");
    const [config] = await runner.query<ConfigRow>(CONFIG_SQL, [identityId]);
    if (!config) return error(404, "The identity does not have OCI Auth attached");
    return {
      status: 200,
      body: JSON.stringify({
        identityOciAuth: {
          ...config,
          createdAt: new Date(config.createdAt).toISOString(),
          updatedAt: new Date(config.updatedAt).toISOString(),
        },
      }),
    };
  };
}

export function baselineEnv() {
  const port = Number(process.env.PORT);
  if (!port) throw new Error("PORT is required");
  return { port, host: process.env.HOST ?? "127.0.0.1" };
}

export const READ_PATH = /^\/api\/v1\/auth\/oci-auth\/identities\/([^/?]+)$/;
