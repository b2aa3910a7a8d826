import {
  apiKeyProvider,
  createTestApiKey,
  createTestOcid,
  instancePrincipalProvider,
  type OciStandIn,
  resourcePrincipalEnv,
  resourcePrincipalProvider,
  signAuthenticateClient,
  signGetUserWithOciCommon,
  signInnerRequest,
  type StandInInstance,
  type StandInResource,
  startOciStandIn,
} from "@ociauth/oci-stand-in";
import { createPrivateKey, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Database, type Db, openDatabase } from "@ociauth/db";
import { createTestDatabase, readMigrationScripts, testDatabaseKind } from "@ociauth/db/testing";
import { messages, PRINCIPAL_LOGIN_PATH } from "@ociauth/schema";
import { decodeJwt, decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AppConfig, getConfig, overrideConfigForTesting } from "../core/config";
import { createContextInner } from "../core/context";
import { type Runtime, startRuntime } from "../core/runtime";
import { statusAnswer } from "../http/health";
import { authenticate } from "../services/auth/authenticate";
import { deriveRootKey, unwrapKeyMaterial } from "../services/keys/key-wrap-fns";
import { LEGACY_KEY_ID, RootSecretMismatchError } from "../services/keys/keyring";
import { DATABASE_SECRET_ADVICE, DATABASE_SECRET_SETTING, generatedSecretFile } from "../services/keys/root-secret";
import { renewAccessToken } from "../services/tokens/token-service";
import { eventually } from "./expect-helpers";
import { createTestApp, type TestApp } from "./harness";

const onPostgres = testDatabaseKind() === "postgres";
const newSecret = () => randomBytes(36).toString("base64url");
const ENV_SECRET = getConfig().AUTH_SECRET!;

/** The process configuration with its root secrets replaced (and any other setting given). */
const configWith = (settings: Partial<AppConfig>): AppConfig => ({
  ...getConfig(),
  AUTH_SECRET: undefined,
  AUTH_SECRET_PREVIOUS: undefined,
  ...settings,
});

/** Runtimes and extra database handles a test opened, closed after it. */
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function start(database: Database, settings: Partial<AppConfig>): Promise<Runtime> {
  const runtime = await startRuntime(database, configWith(settings));
  opened.push(runtime);
  return runtime;
}

async function freshDatabase(): Promise<Database> {
  const database = await createTestDatabase();
  opened.push(database);
  return database;
}

/** Another handle on the same database: its own pool and change feed on PostgreSQL; PGlite is one per process. */
async function sameDatabase(database: Database): Promise<Database> {
  if (database.target.kind !== "postgres") return database;
  const other = await openDatabase(database.target);
  opened.push(other);
  return other;
}

interface Fixture {
  orgId: string;
  orgSlug: string;
  identityId: string;
  userId: string;
}

async function seed(db: Db): Promise<Fixture> {
  const org = await db.organization.create({ data: { name: "Acme", slug: `acme-${randomBytes(4).toString("hex")}` } });
  const identity = await db.identity.create({ data: { orgId: org.id, name: "workload", role: "admin" } });
  const user = await db.user.create({ data: { email: `u-${randomBytes(4).toString("hex")}@example.com`, passwordHash: "x" } });
  return { orgId: org.id, orgSlug: org.slug, identityId: identity.id, userId: user.id };
}

/** A token issued as the services do: the row names the key that signs its JWT. */
async function issue(rt: Runtime, fx: Fixture): Promise<string> {
  const key = rt.tokens.currentKey();
  const row = await rt.db.identityAccessToken.create({
    data: {
      identityId: fx.identityId,
      authMethod: "token",
      accessTokenTTL: 3600,
      accessTokenMaxTTL: 7200,
      expiresAt: new Date(Date.now() + 3600_000),
      signingKeyId: key.id,
    },
  });
  return rt.tokens.sign(
    { authTokenType: "identityAccessToken", identityId: fx.identityId, orgId: fx.orgId, authMethod: "token", jti: row.id },
    row.expiresAt,
    { key },
  );
}

const legacySign = (payload: Record<string, unknown>, jti: string, secret: string | Uint8Array) =>
  new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("ociauth")
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(typeof secret === "string" ? new TextEncoder().encode(secret) : secret);

/** What a version before signing keys left: a token row and a session without a key, JWTs signed HS256 with its secret. */
async function legacyTokens(db: Db, fx: Fixture, secret: string) {
  const row = await db.identityAccessToken.create({
    data: {
      identityId: fx.identityId,
      authMethod: "token",
      accessTokenTTL: 3600,
      accessTokenMaxTTL: 7200,
      expiresAt: new Date(Date.now() + 3600_000),
    },
  });
  const session = await db.userSession.create({ data: { userId: fx.userId, expiresAt: new Date(Date.now() + 3600_000) } });
  return {
    token: await legacySign(
      { authTokenType: "identityAccessToken", identityId: fx.identityId, orgId: fx.orgId, authMethod: "token" },
      row.id,
      secret,
    ),
    session: await legacySign({ authTokenType: "accessToken", userId: fx.userId }, session.id, secret),
  };
}

const authOn = (rt: Runtime, jwt: string) =>
  authenticate(
    createContextInner({ rt, meta: { reqId: "req-signingkeys0000", ip: "127.0.0.1", userAgent: null, authorization: `Bearer ${jwt}` } }),
  );

const expectRefused = async (rt: Runtime, jwt: string) => {
  expect(await rt.tokens.verify(jwt)).toEqual({ ok: false, reason: "invalid" });
  await expect(authOn(rt, jwt)).rejects.toMatchObject({ message: messages.tokenInvalid });
};

const wrapsOf = async (db: Db) => {
  const rows = await db.signingKeyWrap.findMany();
  const byKey = new Map<string, string[]>();
  for (const row of rows) byKey.set(row.keyId, [...(byKey.get(row.keyId) ?? []), row.secretId].sort());
  return byKey;
};
const rootSecretIds = async (db: Db) => (await db.rootSecret.findMany()).map((row) => row.id).sort();
const es256KeyCount = (db: Db) => db.signingKey.count({ where: { alg: "ES256" } });

/** Every row of every table of the database, as JSON text (one entry per row). */
async function everyRow(db: Db): Promise<{ table: string; row: string }[]> {
  const tables = await db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const rows: { table: string; row: string }[] = [];
  for (const { name } of tables) {
    const found = await db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`);
    rows.push(...found.map(({ row }) => ({ table: name, row })));
  }
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining(["signing_keys", "signing_key_wraps", "identity_access_tokens", "instance_settings"]),
  );
  return rows;
}

/** A JSON value holding a private JWK (an object with "d") anywhere inside. */
function holdsPrivateJwk(value: unknown): boolean {
  if (typeof value === "string") {
    const text = value.trim();
    if (!text.startsWith("{") && !text.startsWith("[")) return false;
    try {
      return holdsPrivateJwk(JSON.parse(text));
    } catch {
      return false;
    }
  }
  if (Array.isArray(value)) return value.some(holdsPrivateJwk);
  if (value && typeof value === "object") return "d" in value || Object.values(value).some(holdsPrivateJwk);
  return false;
}

/** Asserts no row holds `secrets` (in any usual encoding), a PEM or a private JWK. */
async function expectNoKeyMaterial(db: Db, secrets: string[]) {
  const forms = secrets.flatMap((secret) => {
    const bytes = Buffer.from(secret, "utf8");
    return [secret, bytes.toString("base64"), bytes.toString("hex")];
  });
  const rows = await everyRow(db);
  expect(rows.length).toBeGreaterThan(0);
  for (const { table, row } of rows) {
    for (const form of forms) expect(row.includes(form), `${table} holds key material: ${row}`).toBe(false);
    expect(row, table).not.toContain("-----BEGIN");
    expect(row, table).not.toContain("PRIVATE KEY");
    expect(holdsPrivateJwk(row), `${table} holds a private JWK: ${row}`).toBe(false);
  }
  expect(await db.instanceSetting.findUnique({ where: { key: DATABASE_SECRET_SETTING } })).toBeNull();
}

/** The private parts of every ES256 key, opened from their wraps with `secret`: the PEM's base64 lines, the DER and the JWK "d". */
async function privateKeyForms(db: Db, secret: string): Promise<string[]> {
  const root = deriveRootKey(secret);
  const keys = await db.signingKey.findMany({ where: { alg: "ES256" }, include: { wraps: true } });
  expect(keys.length).toBeGreaterThan(0);
  const forms: string[] = [root.wrapKey.toString("base64"), root.wrapKey.toString("base64url"), root.wrapKey.toString("hex")];
  for (const key of keys) {
    const wrap = key.wraps.find((w) => w.secretId === root.id);
    const pem = wrap && unwrapKeyMaterial(root, key.id, wrap.ciphertext)?.toString("utf8");
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const privateKey = createPrivateKey(pem!);
    const der = privateKey.export({ format: "der", type: "pkcs8" });
    const d = privateKey.export({ format: "jwk" }).d!;
    expect(d.length).toBeGreaterThan(40);
    forms.push(
      ...pem!.split("\n").filter((line) => line.length >= 40 && !line.startsWith("-----")),
      der.toString("base64"),
      der.toString("hex"),
      d,
    );
  }
  return forms;
}

describe("root secret rotation (AUTH_SECRET_PREVIOUS) and the key-check", () => {
  it("re-wraps under the new secret, both secrets' instances verify each other's tokens, the old wraps go once PREVIOUS is unset, then the old secret is refused", async () => {
    const [s1, s2] = [newSecret(), newSecret()];
    const [id1, id2] = [deriveRootKey(s1).id, deriveRootKey(s2).id];
    const database = await freshDatabase();
    const db = database.prisma;
    const a = await start(database, { AUTH_SECRET: s1 });
    const fx = await seed(db);
    const tokenA = await issue(a, fx);
    expect(await rootSecretIds(db)).toEqual([id1]);
    // A secret that matches nothing is refused before anything is written.
    await expect(start(database, { AUTH_SECRET: newSecret() })).rejects.toBeInstanceOf(RootSecretMismatchError);
    expect(await rootSecretIds(db)).toEqual([id1]);

    const b = await start(await sameDatabase(database), { AUTH_SECRET: s2, AUTH_SECRET_PREVIOUS: s1 });
    expect(b.tokens.keyring.secrets.source).toBe("env");
    expect(await rootSecretIds(db)).toEqual([id1, id2].sort());
    for (const [, secretIds] of await wrapsOf(db)) expect(secretIds).toEqual([id1, id2].sort());
    const tokenB = await issue(b, fx);
    expect(decodeProtectedHeader(tokenB)).toMatchObject({ alg: "ES256", kid: b.tokens.currentKey().id });
    expect((await authOn(a, tokenB)).actor).toMatchObject({ identityId: fx.identityId });
    expect((await authOn(b, tokenA)).actor).toMatchObject({ identityId: fx.identityId });

    // A key made under the new secret opens on the old secret's instance too (wrapped under both).
    const rotated = await b.tokens.keyring.rotate();
    expect((await wrapsOf(db)).get(rotated.id)).toEqual([id1, id2].sort());
    await eventually(async () => expect(a.tokens.currentKey().id).toBe(rotated.id), 1000);
    expect(a.tokens.currentKey().privateKey).not.toBeNull();
    const tokenA2 = await issue(a, fx);
    expect((await authOn(b, tokenA2)).actor).toMatchObject({ identityId: fx.identityId });

    // Every instance on the new secret: the old secret's wraps and key-check go.
    const c = await start(await sameDatabase(database), { AUTH_SECRET: s2 });
    expect(await rootSecretIds(db)).toEqual([id2]);
    const wraps = await wrapsOf(db);
    expect(wraps.size).toBe(await db.signingKey.count());
    for (const [, secretIds] of wraps) expect(secretIds).toEqual([id2]);
    for (const token of [tokenA, tokenB, tokenA2]) expect((await authOn(c, token)).actor).toMatchObject({ identityId: fx.identityId });
    expect(c.tokens.currentKey().id).toBe(rotated.id);

    for (const settings of [{ AUTH_SECRET: s1 }, { AUTH_SECRET: newSecret() }, { AUTH_SECRET: newSecret(), AUTH_SECRET_PREVIOUS: s1 }]) {
      const refused = await start(database, settings).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(RootSecretMismatchError);
      expect((refused as Error).message).toMatch(/\bAUTH_SECRET\b/);
      expect((refused as Error).message).toMatch(/\bAUTH_SECRET_PREVIOUS\b/);
    }
    expect(await rootSecretIds(db)).toEqual([id2]);
  });
});

describe("rotation across instances", () => {
  it("a key rotated on A signs on B within 1 s; tokens of the old key still verify and authenticate on B", async () => {
    const secret = newSecret();
    const database = await freshDatabase();
    const a = await start(database, { AUTH_SECRET: secret });
    const b = await start(await sameDatabase(database), { AUTH_SECRET: secret });
    const fx = await seed(database.prisma);
    const oldKid = a.tokens.currentKey().id;
    expect(b.tokens.currentKey().id).toBe(oldKid);
    const oldToken = await issue(a, fx);

    const rotated = await a.tokens.keyring.rotate();
    expect(rotated.id).not.toBe(oldKid);
    expect(a.tokens.currentKey().id).toBe(rotated.id);
    await eventually(async () => expect(b.tokens.currentKey().id).toBe(rotated.id), 1000);

    // Two rotations back to back: B ends on the last one (a change announced during a reload is not lost).
    await a.tokens.keyring.rotate();
    const last = await a.tokens.keyring.rotate();
    await eventually(async () => expect(b.tokens.currentKey().id).toBe(last.id), 1000);

    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKid);
    expect((await authOn(b, oldToken)).actor).toMatchObject({ identityId: fx.identityId });
    const newToken = await issue(a, fx);
    expect(decodeProtectedHeader(newToken).kid).toBe(last.id);
    expect((await authOn(b, newToken)).actor).toMatchObject({ identityId: fx.identityId });
    expect((await authOn(a, await issue(b, fx))).actor).toMatchObject({ identityId: fx.identityId });

    // The old key stays published while its token lives; every key a token names is in the key set.
    const published = (await b.tokens.keyring.publishedJwks()).map((jwk) => jwk.kid);
    expect(published).toEqual(expect.arrayContaining([oldKid, last.id]));
    expect((await b.tokens.keyring.status()).find((key) => key.id === oldKid)).toMatchObject({ state: "published", liveTokens: 1 });
  });

  it("rotateIfDue on two instances at once makes exactly one new key (one instance does it)", async () => {
    const secret = newSecret();
    const database = await freshDatabase();
    const due = { AUTH_SECRET: secret, SIGNING_KEY_ROTATION_DAYS: 0.00001 }; // 0.864 s
    const c = await start(database, due);
    const d = await start(await sameDatabase(database), due);
    await new Promise((r) => setTimeout(r, 1100));
    const before = await es256KeyCount(database.prisma);
    const results = await Promise.all([c.tokens.keyring.rotateIfDue(), d.tokens.keyring.rotateIfDue()]);
    expect(results.sort()).toEqual([false, true]);
    expect(await es256KeyCount(database.prisma)).toBe(before + 1);
    await eventually(async () => expect(d.tokens.currentKey().id).toBe(c.tokens.currentKey().id), 1000);
    // Not due again right away, nor for an instance with the default period.
    expect(await c.tokens.keyring.rotateIfDue()).toBe(false);
    const e = await start(await sameDatabase(database), { AUTH_SECRET: secret });
    expect(await e.tokens.keyring.rotateIfDue()).toBe(false);
    expect(await es256KeyCount(database.prisma)).toBe(before + 1);
  });
});

describe("tokens from before signing keys (legacy HS256)", () => {
  it("are imported and keep working; renewing one gives an ES256 token with a kid and the ociauth claims", async () => {
    const database = await freshDatabase();
    const db = database.prisma;
    const fx = await seed(db);
    const legacy = await legacyTokens(db, fx, ENV_SECRET);
    const rt = await start(database, { AUTH_SECRET: ENV_SECRET });

    const legacyKey = await db.signingKey.findUnique({ where: { id: LEGACY_KEY_ID } });
    expect(legacyKey).toMatchObject({ alg: "HS256", publicJwk: null });
    expect(rt.tokens.keyring.legacyKey()).toBeDefined();
    expect((await rt.tokens.keyring.publishedJwks()).map((jwk) => jwk.kid)).toEqual([rt.tokens.currentKey().id]);
    expect(await rt.tokens.keyring.legacyActive()).toBe(true);

    expect((await authOn(rt, legacy.token)).actor).toMatchObject({ type: "identity", identityId: fx.identityId });
    expect((await authOn(rt, legacy.session)).actor).toMatchObject({ type: "user", userId: fx.userId });

    const ctx = createContextInner({ rt, meta: { reqId: "req-signingkeys0001", ip: "127.0.0.1", userAgent: null, authorization: null } });
    const renewed = await renewAccessToken(ctx, { accessToken: legacy.token });
    const kid = rt.tokens.currentKey().id;
    expect(decodeProtectedHeader(renewed.accessToken)).toEqual({ alg: "ES256", kid, typ: "JWT" });
    const claims = decodeJwt(renewed.accessToken);
    expect(claims).toMatchObject({
      iss: rt.tokens.issuer,
      sub: fx.identityId,
      aud: rt.tokens.issuer,
      jti: decodeJwt(legacy.token).jti,
      authTokenType: "identityAccessToken",
      identityId: fx.identityId,
      orgId: fx.orgId,
      authMethod: "token",
      ociauth: { org_id: fx.orgId, org_slug: fx.orgSlug, identity_name: "workload", auth_method: "token" },
    });
    expect((await db.identityAccessToken.findUniqueOrThrow({ where: { id: claims.jti! } })).signingKeyId).toBe(kid);
    expect((await authOn(rt, renewed.accessToken)).actor).toMatchObject({ identityId: fx.identityId });
  });

  it("refuses algorithm confusion: HS256 under an ES256 kid or with the public key as secret, alg none, a changed alg", async () => {
    const database = await freshDatabase();
    const db = database.prisma;
    const fx = await seed(db);
    const legacy = await legacyTokens(db, fx, ENV_SECRET);
    const rt = await start(database, { AUTH_SECRET: ENV_SECRET });
    expect(rt.tokens.keyring.legacyKey()).toBeDefined();
    const good = await issue(rt, fx);
    const key = rt.tokens.currentKey();
    const { jti } = decodeJwt(good);
    const payload = { authTokenType: "identityAccessToken", identityId: fx.identityId, orgId: fx.orgId, authMethod: "token" };
    const publicJwk = await exportJWK(key.verifyKey as CryptoKey);
    const publicPem = await exportSPKI(key.verifyKey as CryptoKey);
    const hmac = (header: Record<string, unknown>, secret: string | Uint8Array) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: "HS256", typ: "JWT", ...header })
        .setIssuer(rt.tokens.issuer)
        .setAudience(rt.tokens.issuer)
        .setJti(jti!)
        .setExpirationTime("1h")
        .sign(typeof secret === "string" ? new TextEncoder().encode(secret) : secret);
    const [h, p, sig] = good.split(".");
    const withHeader = (header: Record<string, unknown>, signature = sig) =>
      `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${p}.${signature}`;
    const foreign = await generateKeyPair("ES256", { extractable: true });

    const forged = [
      // HS256 naming the ES256 key, keyed with what an attacker knows of it.
      await hmac({ kid: key.id }, JSON.stringify(publicJwk)),
      await hmac({ kid: key.id }, publicPem),
      await hmac({ kid: key.id }, ENV_SECRET),
      // HS256 without a kid (the legacy path) keyed with the public key.
      await hmac({}, publicPem),
      await hmac({}, JSON.stringify(publicJwk)),
      await hmac({}, new Uint8Array(Buffer.from(publicJwk.x!, "base64url"))),
      // alg none, with and without the kid.
      withHeader({ alg: "none", typ: "JWT" }, ""),
      withHeader({ alg: "none", kid: key.id, typ: "JWT" }, ""),
      // The ES256 token with its header's alg changed.
      withHeader({ alg: "HS256", kid: key.id, typ: "JWT" }),
      withHeader({ alg: "ES384", kid: key.id, typ: "JWT" }),
      withHeader({ alg: "RS256", kid: key.id, typ: "JWT" }),
      // ES256 with the right kid, signed by another key.
      await new SignJWT(payload)
        .setProtectedHeader({ alg: "ES256", kid: key.id, typ: "JWT" })
        .setIssuer(rt.tokens.issuer)
        .setAudience(rt.tokens.issuer)
        .setJti(jti!)
        .setExpirationTime("1h")
        .sign(foreign.privateKey),
    ];
    expect(JSON.parse(Buffer.from(h!, "base64url").toString())).toEqual({ alg: "ES256", kid: key.id, typ: "JWT" });
    for (const token of forged) await expectRefused(rt, token);
    // The genuine ones still pass.
    expect((await authOn(rt, good)).actor).toMatchObject({ identityId: fx.identityId });
    expect((await authOn(rt, legacy.token)).actor).toMatchObject({ identityId: fx.identityId });
    // A legacy-looking token signed with another secret.
    await expectRefused(rt, await legacySign(payload, jti!, newSecret()));
    expect(await importJWK(publicJwk, "ES256")).toBeDefined();
  });

  it("on a database without older tokens there is no legacy key: an HS256 token signed with AUTH_SECRET is refused", async () => {
    const database = await freshDatabase();
    const rt = await start(database, { AUTH_SECRET: ENV_SECRET });
    const fx = await seed(database.prisma);
    // Rows without a key written after start-up are no reason to trust HS256.
    const legacy = await legacyTokens(database.prisma, fx, ENV_SECRET);
    expect(rt.tokens.keyring.legacyKey()).toBeUndefined();
    expect(await database.prisma.signingKey.count({ where: { alg: "HS256" } })).toBe(0);
    await expectRefused(rt, legacy.token);
    await expectRefused(rt, legacy.session);
    const other = await start(await sameDatabase(database), { AUTH_SECRET: ENV_SECRET });
    expect(other.tokens.keyring.legacyKey()).toBeUndefined();
    await expectRefused(other, legacy.token);
  });
});

describe("a root secret an older version kept in the database", () => {
  it("keeps working (status says how to move it out); with AUTH_SECRET the keys are re-wrapped under it and the stored secret is deleted", async () => {
    const stored = newSecret();
    const database = await freshDatabase();
    const db = database.prisma;
    await db.instanceSetting.create({ data: { key: DATABASE_SECRET_SETTING, value: stored } });
    const fx = await seed(db);
    const legacy = await legacyTokens(db, fx, stored);

    const old = await start(database, {});
    expect(old.tokens.keyring.secrets.source).toBe("database");
    expect(statusAnswer(old)).toMatchObject({ message: "Ok", rootSecret: { source: "database", advice: DATABASE_SECRET_ADVICE } });
    expect(await rootSecretIds(db)).toEqual([deriveRootKey(stored).id]);
    expect((await authOn(old, legacy.token)).actor).toMatchObject({ identityId: fx.identityId });
    expect((await authOn(old, legacy.session)).actor).toMatchObject({ userId: fx.userId });
    const kid = old.tokens.currentKey().id;
    const token = await issue(old, fx);
    await old.close();
    opened.splice(opened.indexOf(old), 1);

    const moved = newSecret();
    const rt = await start(database, { AUTH_SECRET: moved });
    expect(await db.instanceSetting.findUnique({ where: { key: DATABASE_SECRET_SETTING } })).toBeNull();
    expect(await rootSecretIds(db)).toEqual([deriveRootKey(moved).id]);
    for (const [, secretIds] of await wrapsOf(db)) expect(secretIds).toEqual([deriveRootKey(moved).id]);
    expect(rt.tokens.currentKey().id).toBe(kid);
    expect(statusAnswer(rt)).not.toHaveProperty("rootSecret");
    for (const jwt of [legacy.token, token]) expect((await authOn(rt, jwt)).actor).toMatchObject({ identityId: fx.identityId });
    expect((await authOn(rt, legacy.session)).actor).toMatchObject({ userId: fx.userId });
    await expectNoKeyMaterial(db, [stored, moved]);
  });

  it("an older version that had AUTH_SECRET beside a stored secret signed with AUTH_SECRET: that is the legacy key", async () => {
    const [stored, envSecret] = [newSecret(), newSecret()];
    const database = await freshDatabase();
    const db = database.prisma;
    await db.instanceSetting.create({ data: { key: DATABASE_SECRET_SETTING, value: stored } });
    const fx = await seed(db);
    const legacy = await legacyTokens(db, fx, envSecret);
    const rt = await start(database, { AUTH_SECRET: envSecret });
    expect((await authOn(rt, legacy.token)).actor).toMatchObject({ identityId: fx.identityId });
    expect((await authOn(rt, legacy.session)).actor).toMatchObject({ userId: fx.userId });
    await expectRefused(rt, await legacySign({ authTokenType: "accessToken", userId: fx.userId }, decodeJwt(legacy.session).jti!, stored));
  });
});

if (!onPostgres) {
  describe("the embedded default without AUTH_SECRET", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-keys-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("generates the root secret into a 0600 file beside the data folder, reuses it on restart, and keeps it out of the database", async () => {
      const dataDir = path.join(dir, "pglite");
      const target = { kind: "pglite" as const, dataDir };
      const file = generatedSecretFile(dataDir);
      expect(file).toBe(path.join(dir, "pglite.auth-secret"));

      const first = await openDatabase(target);
      for (const sql of readMigrationScripts()) await first.pglite!.exec(sql);
      const rt1 = await startRuntime(first, configWith({}));
      expect(rt1.tokens.keyring.secrets).toMatchObject({ source: "file", file });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const secret = readFileSync(file, "utf8").trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      const fx = await seed(first.prisma);
      const token = await issue(rt1, fx);
      const kid = rt1.tokens.currentKey().id;
      await expectNoKeyMaterial(first.prisma, [secret, ...(await privateKeyForms(first.prisma, secret))]);
      await rt1.close();
      await first.close();

      const second = await openDatabase(target);
      try {
        const rt2 = await startRuntime(second, configWith({}));
        try {
          expect(readFileSync(file, "utf8").trim()).toBe(secret);
          expect(rt2.tokens.currentKey()).toMatchObject({ id: kid, privateKey: expect.anything() });
          expect((await authOn(rt2, token)).actor).toMatchObject({ identityId: fx.identityId });
          expect(await rootSecretIds(second.prisma)).toEqual([deriveRootKey(secret).id]);
        } finally {
          await rt2.close();
        }
      } finally {
        await second.close();
      }
    });
  });
}

if (onPostgres) {
  describe("PostgreSQL without AUTH_SECRET", () => {
    it("refuses to start, naming AUTH_SECRET (a new database, and one with keys)", async () => {
      const database = await freshDatabase();
      await expect(start(database, {})).rejects.toThrow(/^AUTH_SECRET is required with PostgreSQL \(DATABASE_URL\)/);
      expect(await database.prisma.signingKey.count()).toBe(0);
      await start(database, { AUTH_SECRET: newSecret() });
      await expect(start(database, {})).rejects.toThrow(/AUTH_SECRET_FILE/);
    });
  });
}

const SERVICE = "https://ociauth.example.com";
const tenancyOcid = createTestOcid("tenancy");
const compartment = createTestOcid("compartment");
const alice = { id: createTestOcid("user"), key: createTestApiKey() };
const web: StandInInstance = {
  id: createTestOcid("instance", "iad"),
  compartmentId: compartment,
  tenancyId: tenancyOcid,
  region: "us-ashburn-1",
};
const fn: StandInResource = {
  id: createTestOcid("fnfunc", "iad"),
  compartmentId: compartment,
  tenancyId: tenancyOcid,
  region: "us-ashburn-1",
};

describe("token claims of logins, and no key material in the database", () => {
  let app: TestApp;
  let oci: OciStandIn;
  let adminToken: string;
  let orgId: string;
  let orgSlug: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, orgId } = await app.bootstrap());
    orgSlug = (await app.db.organization.findUniqueOrThrow({ where: { id: orgId } })).slug;
    oci = await startOciStandIn({
      users: [{ id: alice.id, compartmentId: tenancyOcid, name: "alice", publicKeys: [alice.key.publicKeyPem] }],
      instances: [web],
    });
    overrideConfigForTesting({
      OCI_AUTH_ENDPOINT: oci.url,
      OCI_IDENTITY_ENDPOINT: oci.url,
      OCI_REQUEST_TIMEOUT_MS: 2000,
      PUBLIC_URL: SERVICE,
    });
  });
  afterAll(async () => {
    await oci?.close();
    await app?.close();
  });

  async function identityWith(name: string, config: Record<string, unknown> = {}) {
    const id = await app.createIdentity(adminToken, orgId, "member", name);
    const res = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${id}`, { token: adminToken, body: { tenancyOcid, ...config } });
    expect(res.status).toBe(200);
    return id;
  }

  async function principalLogin(identityId: string, provider: Parameters<typeof signInnerRequest>[0], extra: Record<string, unknown> = {}) {
    const challenge = (await app.rest("POST", "/api/v1/auth/oci-auth/challenge", { body: { identityId } })).body.challenge as string;
    const inner = await signInnerRequest(provider, { method: "GET", uri: `${SERVICE}${PRINCIPAL_LOGIN_PATH}?challenge=${challenge}` });
    const outer = await signAuthenticateClient(provider, "https://auth.us-ashburn-1.oraclecloud.com", inner);
    const res = await app.rest("POST", PRINCIPAL_LOGIN_PATH, {
      body: { identityId, authenticateClient: { headers: outer.headers, body: outer.body }, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.accessToken as string;
  }

  function expectStandardClaims(token: string, identityId: string, name: string) {
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: "ES256", kid: app.rt.tokens.currentKey().id, typ: "JWT" });
    const claims = decodeJwt(token);
    const issuer = app.rt.tokens.issuer;
    expect(claims).toMatchObject({
      iss: issuer,
      sub: identityId,
      aud: issuer,
      authTokenType: "identityAccessToken",
      identityId,
      orgId,
      authMethod: "oci-auth",
    });
    expect(typeof claims.jti).toBe("string");
    expect(claims.iat).toBeTypeOf("number");
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp! - claims.iat!).toBeGreaterThan(0);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(60);
    expect(claims.ociauth).toMatchObject({ org_id: orgId, org_slug: orgSlug, identity_name: name, auth_method: "oci-auth" });
    return claims as typeof claims & { ociauth: Record<string, string> };
  }

  it("a user's API-key login: principal user, its OCID and username, tenancy and compartment", async () => {
    const id = await identityWith("user-login");
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid: alice.id,
      fingerprint: alice.key.fingerprint,
      privateKeyPem: alice.key.privateKeyPem,
    });
    const res = await app.rest("POST", "/api/v1/auth/oci-auth/login", { body: { identityId: id, userOcid: alice.id, headers } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const claims = expectStandardClaims(res.body.accessToken, id, "user-login");
    expect(claims.ociauth).toEqual({
      org_id: orgId,
      org_slug: orgSlug,
      identity_name: "user-login",
      auth_method: "oci-auth",
      principal_type: "user",
      principal_ocid: alice.id,
      tenancy_ocid: tenancyOcid,
      compartment_ocid: tenancyOcid,
      region: "us-ashburn-1",
      user_ocid: alice.id,
      username: "alice",
    });
    const row = await app.db.identityAccessToken.findUniqueOrThrow({ where: { id: claims.jti! } });
    expect(row.signingKeyId).toBe(app.rt.tokens.currentKey().id);
  });

  it("a user's principal login (API key): user OCID, no username (OCI does not name it)", async () => {
    const id = await identityWith("user-principal");
    const provider = apiKeyProvider({
      tenancyOcid,
      userOcid: alice.id,
      fingerprint: alice.key.fingerprint,
      privateKeyPem: alice.key.privateKeyPem,
    });
    const claims = expectStandardClaims(await principalLogin(id, provider), id, "user-principal");
    expect(claims.ociauth).toMatchObject({
      principal_type: "user",
      principal_ocid: alice.id,
      user_ocid: alice.id,
      tenancy_ocid: tenancyOcid,
    });
    expect(claims.ociauth).not.toHaveProperty("username");
  });

  it("an instance principal login: the instance, its tenancy, compartment and region", async () => {
    const id = await identityWith("instance-login", { allowedPrincipalTypes: ["instance"] });
    const claims = expectStandardClaims(await principalLogin(id, await instancePrincipalProvider(oci, web.id)), id, "instance-login");
    expect(claims.ociauth).toEqual({
      org_id: orgId,
      org_slug: orgSlug,
      identity_name: "instance-login",
      auth_method: "oci-auth",
      principal_type: "instance",
      principal_ocid: web.id,
      tenancy_ocid: tenancyOcid,
      compartment_ocid: compartment,
      region: "us-ashburn-1",
    });
  });

  it("a resource principal login (an OCI Function): the function, its tenancy, compartment and region", async () => {
    const id = await identityWith("function-login", { allowedPrincipalTypes: ["resource"] });
    const claims = expectStandardClaims(
      await principalLogin(id, resourcePrincipalProvider(resourcePrincipalEnv(oci, fn))),
      id,
      "function-login",
    );
    expect(claims.ociauth).toEqual({
      org_id: orgId,
      org_slug: orgSlug,
      identity_name: "function-login",
      auth_method: "oci-auth",
      principal_type: "resource",
      principal_ocid: fn.id,
      tenancy_ocid: tenancyOcid,
      compartment_ocid: compartment,
      region: "us-ashburn-1",
    });
  });

  it("a token for another audience carries it, and is refused by this service's own API", async () => {
    const id = await identityWith("audience-login", { allowedPrincipalTypes: ["instance"] });
    await app.db.identity.update({ where: { id }, data: { allowedAudiences: ["billing-api"] } });
    const provider = await instancePrincipalProvider(oci, web.id);
    const token = await principalLogin(id, provider, { audience: "billing-api" });
    expect(decodeJwt(token)).toMatchObject({ iss: app.rt.tokens.issuer, aud: "billing-api", sub: id });
    expect(await app.rt.tokens.verify(token)).toMatchObject({ ok: true, forThisService: false });
    await expect(authOn(app.rt, token)).rejects.toMatchObject({ message: messages.tokenForAnotherAudience });
    expect((await app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token })).status).toBe(403);
    const own = await principalLogin(id, provider);
    expect((await app.rest("GET", `/api/v1/auth/oci-auth/identities/${id}`, { token: own })).status).toBe(200);
  });

  it("after a bootstrap, logins and tokens, no table holds the root secret or a private key", async () => {
    const userToken = await app.userWithRole(orgId, "admin");
    expect(decodeProtectedHeader(userToken)).toMatchObject({ alg: "ES256", kid: app.rt.tokens.currentKey().id });
    const id = await app.createIdentity(adminToken, orgId, "member", "token-auth");
    expect((await app.rest("POST", `/api/v1/auth/token-auth/identities/${id}`, { token: adminToken, body: {} })).status).toBe(200);
    const issued = await app.rest("POST", `/api/v1/auth/token-auth/identities/${id}/tokens`, { token: adminToken, body: {} });
    expect(issued.status).toBe(200);
    await app.rt.tokens.keyring.rotate();
    const forms = await privateKeyForms(app.db, ENV_SECRET);
    expect(forms.length).toBeGreaterThan(6);
    expect(await app.db.signingKeyWrap.count()).toBeGreaterThanOrEqual(2);
    await expectNoKeyMaterial(app.db, [ENV_SECRET, ...forms]);
  });
});
