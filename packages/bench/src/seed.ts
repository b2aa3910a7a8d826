// Seeding through the app's own API (bootstrap, identities, attach, OCI login), and bulk rows for
// the scale run written with SQL (mirroring what the API writes; see BENCHMARKS.md).
import { randomUUID } from "node:crypto";
import { deriveRootKey, unwrapKeyMaterial } from "@ociauth/api/key-wrap";
import { signGetUserWithOciCommon } from "@ociauth/oci-stand-in";
import { importPKCS8, SignJWT } from "jose";
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

export async function createIdentity(baseUrl: string, boot: Bootstrap, name: string, role = "member"): Promise<string> {
  const res = await api<{ identity: { id: string } }>(
    baseUrl,
    "POST",
    "/api/v1/identities",
    { name, organizationId: boot.orgId, role },
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
  name: string;
}

const TTL = 2_592_000;
/** The stored form the API writes for the default trusted IPs (0.0.0.0/0 and ::/0). */
const TRUSTED_IPS = JSON.stringify([
  { ipAddress: "0.0.0.0", type: "ipv4", prefix: 0 },
  { ipAddress: "::", type: "ipv6", prefix: 0 },
]);

type Exec = <R = unknown>(text: string, params: unknown[]) => Promise<{ rows: R[] }>;

async function withConnection<T>(target: DbTarget, fn: (exec: Exec) => Promise<T>): Promise<T> {
  if (target.kind === "postgres") {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      return await fn(async <R>(text: string, params: unknown[]) => ({ rows: (await client.query(text, params)).rows as R[] }));
    } finally {
      await client.end();
    }
  }
  // PGlite: one process per folder — the app server must be stopped while this runs.
  const { openDatabase } = await import("@ociauth/db");
  const db = await openDatabase({ kind: "pglite", dataDir: target.dir });
  try {
    const pglite = db.pglite!;
    return await fn(async <R>(text: string, params: unknown[]) => ({ rows: (await pglite.query<R>(text, params)).rows }));
  } finally {
    await db.close();
  }
}

/** The app's signing key, opened as the app opens it (for minting the bulk rows' tokens). */
export interface BenchSigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The organization the bulk identities belong to (its slug is a token claim). */
  orgSlug: string;
}

/**
 * Reads the key the app signs with from signing_keys / signing_key_wraps and unwraps its private
 * part under `secret` (AUTH_SECRET) with the app's own functions: the newest ES256 key whose wrap
 * opens, as the app's keyring picks it. The app creates its first key at first start, so this
 * runs after it has started once (and, on PGlite, while it is stopped).
 */
export async function readSigningKey(target: DbTarget, secret: string, orgId: string): Promise<BenchSigningKey> {
  const root = deriveRootKey(secret);
  return withConnection(target, async (exec) => {
    const { rows } = await exec<{ id: string; ciphertext: string }>(
      `SELECT k.id, w.ciphertext FROM signing_keys k JOIN signing_key_wraps w ON w."keyId" = k.id
        WHERE k.alg = 'ES256' AND w."secretId" = $1 ORDER BY k."createdAt" DESC, k.id DESC`,
      [root.id],
    );
    const [org] = (await exec<{ slug: string }>(`SELECT slug FROM organizations WHERE id = $1`, [orgId])).rows;
    if (!org) throw new Error(`organization ${orgId} not found`);
    for (const row of rows) {
      const pkcs8 = unwrapKeyMaterial(root, row.id, row.ciphertext);
      if (pkcs8) return { kid: row.id, privateKey: await importPKCS8(pkcs8.toString("utf8"), "ES256"), orgSlug: org.slug };
    }
    throw new Error("no ES256 signing key opens under the bench's AUTH_SECRET (has the app started on this database?)");
  });
}

/**
 * Inserts `count` identities, each with an OCI auth config (defaults as the API stores them) and
 * one unlimited oci-auth access token row whose JWT `signingKeyId` signs, in batches with
 * unnest(). No audit events.
 */
export async function insertBulkIdentities(
  target: DbTarget,
  orgId: string,
  tenancyOcid: string,
  count: number,
  offset: number,
  signingKeyId: string,
): Promise<BulkIdentity[]> {
  const rows: BulkIdentity[] = Array.from({ length: count }, (_, i) => ({
    identityId: randomUUID(),
    tokenId: randomUUID(),
    name: `scale-${offset + i}`,
  }));
  const expiresAt = new Date(Date.now() + TTL * 1000);
  await withConnection(target, async (exec) => {
    const batch = 5000;
    for (let start = 0; start < rows.length; start += batch) {
      const slice = rows.slice(start, start + batch);
      const ids = slice.map((r) => r.identityId);
      const names = slice.map((r) => r.name);
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
           "accessTokenNumUsesLimit", "createdAt", "expiresAt", "signingKeyId")
         SELECT tid, iid, 'oci-auth', ${TTL}, ${TTL}, 0, 0, now(), $3::timestamptz, $4 FROM unnest($1::uuid[], $2::uuid[]) AS t(tid, iid)`,
        [tokenIds, ids, expiresAt.toISOString(), signingKeyId],
      );
      await exec("COMMIT", []);
    }
    await exec("ANALYZE identities", []);
    await exec("ANALYZE identity_oci_auths", []);
    await exec("ANALYZE identity_access_tokens", []);
  });
  return rows;
}

/**
 * An access token for a bulk row, in the app's format (packages/api/src/services/auth/tokens-jwt.ts
 * signToken, claims as token-claims-fns.ts writes them for a login without principal facts):
 * ES256 under the app's signing key with its kid, iss = aud = the app's issuer (its PUBLIC_URL
 * origin), sub = identity id, jti = token row id. Checked against the app before use; if the app
 * rejects it the scale run logs in through the API instead.
 */
export function mintAccessToken(key: BenchSigningKey, issuer: string, orgId: string, row: BulkIdentity): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    authTokenType: "identityAccessToken",
    identityId: row.identityId,
    orgId,
    authMethod: "oci-auth",
    ociauth: { org_id: orgId, org_slug: key.orgSlug, identity_name: row.name, auth_method: "oci-auth" },
  })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setSubject(row.identityId)
    .setAudience(issuer)
    .setJti(row.tokenId)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + TTL)
    .sign(key.privateKey);
}
