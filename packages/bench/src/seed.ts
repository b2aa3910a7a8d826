// Seeding through the app's own API (bootstrap, identities, attach, OCI login), and bulk rows for
// the scale run written with SQL (mirroring what the API writes; see BENCHMARKS.md).
import { createHmac, randomUUID } from "node:crypto";
import { signGetUserWithOciCommon } from "@ociauth/oci-stand-in";
import pg from "pg";
import { type DbTarget } from "./servers.js";

/** One of the user's API keys (the stand-in picks the public key by the keyId's fingerprint). */
export interface OciKey {
  fingerprint: string;
  privateKeyPem: string;
}

export interface OciUser extends OciKey {
  tenancyOcid: string;
  userOcid: string;
  userName: string;
  /**
   * More keys of the same user, only for the pre-signed login pools of (c)/(c1) (login-pool.ts),
   * so they never sign a (key, second) pair that seeding signs with the main key.
   */
  poolKeys: OciKey[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export async function api<T>(baseUrl: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, text, `${method} ${path}`);
  return JSON.parse(text) as T;
}

export interface Bootstrap {
  orgId: string;
  adminToken: string;
  adminIdentityId: string;
}

export async function bootstrap(baseUrl: string): Promise<Bootstrap> {
  const res = await api<{ organization: { id: string }; identity: { id: string; credentials: { token: string } } }>(
    baseUrl,
    "POST",
    "/api/v1/admin/bootstrap",
    { email: "bench@example.com", password: "bench-password-123456", organization: "Bench" },
  );
  return { orgId: res.organization.id, adminToken: res.identity.credentials.token, adminIdentityId: res.identity.id };
}

export async function createIdentity(baseUrl: string, boot: Bootstrap, name: string): Promise<string> {
  const res = await api<{ identity: { id: string } }>(
    baseUrl,
    "POST",
    "/api/v1/identities",
    { name, organizationId: boot.orgId, role: "member" },
    boot.adminToken,
  );
  return res.identity.id;
}

export async function attachOciAuth(
  baseUrl: string,
  boot: Bootstrap,
  identityId: string,
  tenancyOcid: string,
  extra: Record<string, unknown> = {},
) {
  await api(baseUrl, "POST", `/api/v1/auth/oci-auth/identities/${identityId}`, { tenancyOcid, ...extra }, boot.adminToken);
}

/**
 * Signed GetUser headers for the login body (valid 5 minutes). The service lets each signed
 * header set log in once, and one key signs identically within one second: give every login
 * its own `date` (see distinctSigningDates).
 */
export async function signedLoginHeaders(user: OciUser, date?: Date): Promise<Record<string, string>> {
  const signed = await signGetUserWithOciCommon({
    tenancyOcid: user.tenancyOcid,
    userOcid: user.userOcid,
    fingerprint: user.fingerprint,
    privateKeyPem: user.privateKeyPem,
    date,
  });
  return { authorization: signed.authorization, host: signed.host, "x-date": signed["x-date"] };
}

/** At most this many distinct signing seconds lie inside the service's ±5-minute date window now. */
export const MAX_DISTINCT_SIGNING_DATES = 580;

/** `count` different signing seconds from 290 s ago onwards, all within the date window for a few minutes. */
export function distinctSigningDates(count: number): Date[] {
  if (count > MAX_DISTINCT_SIGNING_DATES) throw new Error(`at most ${MAX_DISTINCT_SIGNING_DATES} distinct signing dates, not ${count}`);
  const first = Math.floor(Date.now() / 1000) - 290;
  return Array.from({ length: count }, (_, i) => new Date((first + i) * 1000));
}

export async function ociLogin(baseUrl: string, identityId: string, user: OciUser, headers: Record<string, string>): Promise<string> {
  const res = await api<{ accessToken: string }>(baseUrl, "POST", "/api/v1/auth/oci-auth/login", {
    identityId,
    userOcid: user.userOcid,
    headers,
  });
  return res.accessToken;
}

/** Runs `fn` over items with at most `concurrency` in flight. */
export async function mapConcurrent<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bulk rows for the scale run.

export interface BulkIdentity {
  identityId: string;
  tokenId: string;
}

const TTL = 2_592_000;
/** The stored form the API writes for the default trusted IPs (0.0.0.0/0 and ::/0). */
const TRUSTED_IPS = JSON.stringify([
  { ipAddress: "0.0.0.0", type: "ipv4", prefix: 0 },
  { ipAddress: "::", type: "ipv6", prefix: 0 },
]);

type Exec = (text: string, params: unknown[]) => Promise<unknown>;

async function withConnection<T>(target: DbTarget, fn: (exec: Exec) => Promise<T>): Promise<T> {
  if (target.kind === "postgres") {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      return await fn((text, params) => client.query(text, params));
    } finally {
      await client.end();
    }
  }
  // PGlite: one process per folder — the app server must be stopped while this runs.
  const { openDatabase } = await import("@ociauth/db");
  const db = await openDatabase({ kind: "pglite", dataDir: target.dir });
  try {
    const pglite = db.pglite!;
    return await fn((text, params) => pglite.query(text, params));
  } finally {
    await db.close();
  }
}

/**
 * Inserts `count` identities, each with an OCI auth config (defaults as the API stores them) and
 * one unlimited oci-auth access token row, in batches with unnest(). No audit events.
 */
export async function insertBulkIdentities(
  target: DbTarget,
  orgId: string,
  tenancyOcid: string,
  count: number,
  offset: number,
): Promise<BulkIdentity[]> {
  const rows: BulkIdentity[] = Array.from({ length: count }, () => ({ identityId: randomUUID(), tokenId: randomUUID() }));
  const expiresAt = new Date(Date.now() + TTL * 1000);
  await withConnection(target, async (exec) => {
    const batch = 5000;
    for (let start = 0; start < rows.length; start += batch) {
      const slice = rows.slice(start, start + batch);
      const ids = slice.map((r) => r.identityId);
      const names = slice.map((_, i) => `scale-${offset + start + i}`);
      const configIds = slice.map(() => randomUUID());
      const tokenIds = slice.map((r) => r.tokenId);
      await exec("BEGIN", []);
      await exec(
        `INSERT INTO identities (id, "orgId", name, role, "createdAt", "updatedAt")
         SELECT id, $2::uuid, name, 'member', now(), now() FROM unnest($1::uuid[], $3::text[]) AS t(id, name)`,
        [ids, orgId, names],
      );
      await exec(
        `INSERT INTO identity_oci_auths (id, "identityId", type, "tenancyOcid", "allowedUsernames", "accessTokenTTL", "accessTokenMaxTTL",
           "accessTokenNumUsesLimit", "accessTokenTrustedIps", "accessTokenPeriod", "createdAt", "updatedAt")
         SELECT cid, iid, 'iam', $3, NULL, ${TTL}, ${TTL}, 0, $4::jsonb, 0, now(), now() FROM unnest($1::uuid[], $2::uuid[]) AS t(cid, iid)`,
        [configIds, ids, tenancyOcid, TRUSTED_IPS],
      );
      await exec(
        `INSERT INTO identity_access_tokens (id, "identityId", "authMethod", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUses",
           "accessTokenNumUsesLimit", "createdAt", "expiresAt")
         SELECT tid, iid, 'oci-auth', ${TTL}, ${TTL}, 0, 0, now(), $3::timestamptz FROM unnest($1::uuid[], $2::uuid[]) AS t(tid, iid)`,
        [tokenIds, ids, expiresAt.toISOString()],
      );
      await exec("COMMIT", []);
    }
    await exec("ANALYZE identities", []);
    await exec("ANALYZE identity_oci_auths", []);
    await exec("ANALYZE identity_access_tokens", []);
  });
  return rows;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/**
 * An access token for a bulk row, in the app's format (packages/api/src/services/auth/tokens-jwt.ts:
 * HS256, iss "ociauth", jti = token row id). Checked against the app before use; if the app
 * rejects it the scale run logs in through the API instead.
 */
export function mintAccessToken(secret: string, orgId: string, row: BulkIdentity): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(
    JSON.stringify({
      authTokenType: "identityAccessToken",
      identityId: row.identityId,
      orgId,
      authMethod: "oci-auth",
      iss: "ociauth",
      jti: row.tokenId,
      iat: now,
      exp: now + TTL,
    }),
  );
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}
