import { randomBytes } from "node:crypto";
import * as data from "@ociauth/db";
import { type Database, type Db, runOutsideRequestScope, type SigningKeyRecord } from "@ociauth/db";
import { exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type JWK } from "jose";
import type { AppConfig } from "../../core/config";
import { getLogger } from "../../core/logger";
import { deriveRootKey, type RootKey, unwrapKeyMaterial, wrapKeyMaterial } from "./key-wrap-fns";
import { DATABASE_SECRET_SETTING, resolveRootSecrets, type RootSecrets } from "./root-secret";

export const SIGNING_ALG = "ES256";
export const LEGACY_ALG = "HS256";
/** The one legacy key: the HS256 secret tokens were signed with before signing keys. */
export const LEGACY_KEY_ID = "legacy-hs256";
/** Serialises key creation across instances (rotation, the first key, the legacy import). */
const KEY_LOCK = 7_355_608_221;

export class RootSecretMismatchError extends Error {}

export interface LoadedKey {
  id: string;
  alg: string;
  createdAt: Date;
  /** ES256: the public key; HS256: the secret (verification only). */
  verifyKey: CryptoKey | Uint8Array;
  /** ES256 keys this instance can sign with (its root secret opens the wrap). */
  privateKey: CryptoKey | null;
  publicJwk: JWK | null;
}

export type KeyState = "signing" | "published" | "retired";

export interface KeyStatus {
  id: string;
  alg: string;
  createdAt: Date;
  state: KeyState;
  /** Unrevoked, unexpired tokens and sessions whose JWT this key signed. */
  liveTokens: number;
  publicJwk: JWK | null;
}

/**
 * The signing keys of one database, loaded per process: ES256 keys generated here and kept wrapped
 * under the root secret, and the legacy HS256 key. The newest ES256 key this process can open
 * signs; every key verifies. Rotation writes a new key and the change feed makes every instance
 * reload within the feed's bound.
 */
export class Keyring {
  private keys = new Map<string, LoadedKey>();
  private signingKeyId: string | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain: Promise<void> | null = null;
  private lastUnknownKidReload = 0;
  private statusMemo: { at: number; value: Promise<KeyStatus[]> } | null = null;

  private constructor(
    private readonly db: Db,
    private readonly config: AppConfig,
    readonly secrets: RootSecrets,
    private readonly root: RootKey,
    /** Root keys this process can open older wraps with (AUTH_SECRET_PREVIOUS, a secret kept in the database). */
    private readonly previousRoots: RootKey[],
  ) {}

  /**
   * Opens the keyring at start-up: checks the root secret against the database's key-check
   * values (refusing a secret that matches none), re-wraps the keys under a new secret, imports
   * the legacy HS256 key when older tokens exist, creates the first ES256 key, and loads them.
   */
  static async open(database: Pick<Database, "prisma" | "target">, config: AppConfig): Promise<Keyring> {
    const db = database.prisma;
    const secrets = await resolveRootSecrets(db, config, database.target);
    const root = deriveRootKey(secrets.current);
    const previousRoots = secrets.previous.map(deriveRootKey);
    const keyring = new Keyring(db, config, secrets, root, previousRoots);
    await keyring.checkRootSecret();
    await keyring.ensureKeys();
    await keyring.load();
    await keyring.finishRootRotation();
    return keyring;
  }

  /** The key-check: this secret (or the one it replaces) must be one the keys are wrapped under. */
  private async checkRootSecret(): Promise<void> {
    const known = await data.listRootSecretIds(this.db);
    if (known.length === 0 || known.includes(this.root.id)) {
      await data.addRootSecret(this.db, this.root.id);
      return;
    }
    if (this.previousRoots.some((previous) => known.includes(previous.id))) {
      await data.addRootSecret(this.db, this.root.id);
      getLogger().info("root secret rotation: re-wrapping the signing keys under the new AUTH_SECRET");
      return;
    }
    throw new RootSecretMismatchError(
      "AUTH_SECRET does not match the secret this database's signing keys are stored under, so this instance cannot sign or verify its tokens. " +
        "Give it the same AUTH_SECRET as the other instances; to move to a new secret, set AUTH_SECRET to the new one and AUTH_SECRET_PREVIOUS to the old one.",
    );
  }

  /** The legacy HS256 key when older tokens exist, and a first ES256 key. */
  private async ensureKeys(): Promise<void> {
    const existing = await data.listSigningKeys(this.db);
    if (existing.some((key) => key.alg === SIGNING_ALG)) return;
    await this.withKeyLock(async (tx) => {
      const keys = await data.listSigningKeys(tx);
      if (keys.some((key) => key.alg === SIGNING_ALG)) return;
      // What older versions signed with: AUTH_SECRET when set, else the secret they kept in the database.
      const legacySecret = this.config.AUTH_SECRET ?? this.secrets.databaseSecret;
      if (legacySecret && !keys.some((key) => key.id === LEGACY_KEY_ID) && (await data.hasLegacyTokens(tx))) {
        await data.insertSigningKey(tx, {
          id: LEGACY_KEY_ID,
          alg: LEGACY_ALG,
          publicJwk: null,
          wraps: this.wrapsFor(LEGACY_KEY_ID, Buffer.from(legacySecret, "utf8")),
        });
      }
      await this.insertNewKey(tx);
    });
  }

  /** Wraps under the current root secret and every previous one still known (old instances keep opening new keys). */
  private wrapsFor(keyId: string, material: Buffer) {
    return [this.root, ...this.previousRoots].map((root) => ({ secretId: root.id, ciphertext: wrapKeyMaterial(root, keyId, material) }));
  }

  private async insertNewKey(tx: Db): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const id = `${new Date().toISOString().slice(0, 10).replaceAll("-", "")}-${randomBytes(6).toString("base64url")}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid: id, alg: SIGNING_ALG, use: "sig" };
    const pkcs8 = Buffer.from(await exportPKCS8(privateKey), "utf8");
    await data.insertSigningKey(tx, { id, alg: SIGNING_ALG, publicJwk, wraps: this.wrapsFor(id, pkcs8) });
    return id;
  }

  private async withKeyLock<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK}::bigint)`;
      return work(tx as unknown as Db);
    });
  }

  /** Reads every key, opening the private parts this root secret (or a previous one) can open. */
  async load(): Promise<void> {
    const records = await data.listSigningKeys(this.db);
    const keys = new Map<string, LoadedKey>();
    const missingWraps: { keyId: string; secretId: string; ciphertext: string }[] = [];
    for (const record of records) {
      const material = this.open(record);
      if (material && !record.wraps.has(this.root.id)) {
        missingWraps.push({ keyId: record.id, secretId: this.root.id, ciphertext: wrapKeyMaterial(this.root, record.id, material) });
      }
      const loaded = await toLoadedKey(record, material);
      if (loaded) keys.set(record.id, loaded);
    }
    this.keys = keys;
    const signing = [...keys.values()].filter((key) => key.alg === SIGNING_ALG && key.privateKey).at(-1);
    this.signingKeyId = signing?.id ?? null;
    this.statusMemo = null;
    // A key created by an instance still on the previous secret: wrapped under this one too.
    if (missingWraps.length > 0) await data.addSigningKeyWraps(this.db, missingWraps);
  }

  private open(record: SigningKeyRecord): Buffer | null {
    for (const root of [this.root, ...this.previousRoots]) {
      const wrapped = record.wraps.get(root.id);
      const material = wrapped ? unwrapKeyMaterial(root, record.id, wrapped) : null;
      if (material) return material;
    }
    return null;
  }

  /**
   * Once this instance runs with the new secret only (no AUTH_SECRET_PREVIOUS) and every key opens
   * under it, wraps under other secrets are deleted, and a secret kept in the database with them.
   */
  private async finishRootRotation(): Promise<void> {
    if (this.secrets.source === "env" && this.secrets.databaseSecret) {
      await data.deleteSetting(this.db, DATABASE_SECRET_SETTING);
      getLogger().info("the root secret kept in the database was moved out (keys re-wrapped under AUTH_SECRET) and deleted");
    }
    if (this.config.AUTH_SECRET_PREVIOUS) return;
    const records = await data.listSigningKeys(this.db);
    if (records.every((record) => record.wraps.has(this.root.id))) await data.dropOtherSecrets(this.db, this.root.id);
  }

  /**
   * Called by the change feed ("signing-keys:") and periodically. A call while a load runs waits
   * for one more load after it (that load may have read before the change being announced);
   * calls meanwhile share that one.
   */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain ??= this.reloading.then(() => {
        this.reloadAgain = null;
        return this.reload();
      });
      return this.reloadAgain;
    }
    this.reloading = runOutsideRequestScope(() => this.load())
      .catch((error: unknown) => getLogger().error({ err: error }, "reloading the signing keys failed"))
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }

  /** The key that signs now. */
  signingKey(): LoadedKey {
    const key = this.signingKeyId ? this.keys.get(this.signingKeyId) : undefined;
    if (!key?.privateKey) throw new Error("no signing key this instance can open (AUTH_SECRET)");
    return key;
  }

  /** A key by kid; an unknown kid reloads once a second at most (a key rotated on another instance). */
  async keyFor(kid: string): Promise<LoadedKey | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    const now = Date.now();
    if (now - this.lastUnknownKidReload < 1000) return undefined;
    this.lastUnknownKidReload = now;
    await this.reload();
    return this.keys.get(kid);
  }

  legacyKey(): LoadedKey | undefined {
    return this.keys.get(LEGACY_KEY_ID);
  }

  /** A new signing key now, used by every instance within the change feed's bound. */
  async rotate(): Promise<LoadedKey> {
    const id = await this.withKeyLock((tx) => this.insertNewKey(tx));
    await this.load();
    const key = this.keys.get(id);
    if (!key) throw new Error("the new signing key did not load");
    getLogger().info({ kid: id }, "signing key rotated");
    return key;
  }

  /** Rotates when the signing key is older than SIGNING_KEY_ROTATION_DAYS (one instance does it). */
  async rotateIfDue(now = Date.now()): Promise<boolean> {
    const maxAgeMs = this.config.SIGNING_KEY_ROTATION_DAYS * 86_400_000;
    const current = this.signingKeyId ? this.keys.get(this.signingKeyId) : undefined;
    if (current && now - current.createdAt.getTime() < maxAgeMs) return false;
    const rotated = await this.withKeyLock(async (tx) => {
      const newest = (await data.listSigningKeys(tx)).filter((key) => key.alg === SIGNING_ALG).at(-1);
      if (newest && now - newest.createdAt.getTime() < maxAgeMs) return false;
      await this.insertNewKey(tx);
      return true;
    });
    await this.load();
    return rotated;
  }

  /**
   * Every key with its state: the signing key; published while tokens it signed live; retired
   * after. The legacy HS256 key is never published: it is "published" (verifying) while older
   * tokens live. Counted at most every few seconds.
   */
  status(): Promise<KeyStatus[]> {
    const now = Date.now();
    if (this.statusMemo && now - this.statusMemo.at < STATUS_MEMO_MS) return this.statusMemo.value;
    const value = runOutsideRequestScope(() => this.computeStatus());
    this.statusMemo = { at: now, value };
    value.catch(() => {
      if (this.statusMemo?.value === value) this.statusMemo = null;
    });
    return value;
  }

  private async computeStatus(): Promise<KeyStatus[]> {
    const [records, live] = await Promise.all([data.listSigningKeys(this.db), data.countLiveTokensByKey(this.db)]);
    const newest = records.filter((key) => key.alg === SIGNING_ALG).at(-1)?.id;
    return records
      .map((record) => {
        const liveTokens = live.get(record.id === LEGACY_KEY_ID ? null : record.id) ?? 0;
        const state: KeyState = record.id === newest ? "signing" : liveTokens > 0 ? "published" : "retired";
        return {
          id: record.id,
          alg: record.alg,
          createdAt: record.createdAt,
          state,
          liveTokens,
          publicJwk: (record.publicJwk as JWK | null) ?? null,
        };
      })
      .reverse();
  }

  /** The public keys to publish: the signing key and those still verifying live tokens. */
  async publishedJwks(): Promise<JWK[]> {
    const keys = await this.status();
    return keys.filter((key) => key.alg === SIGNING_ALG && key.state !== "retired" && key.publicJwk).map((key) => key.publicJwk as JWK);
  }

  /** Whether HS256 tokens from before signing keys may still verify (a legacy key with live tokens). */
  async legacyActive(): Promise<boolean> {
    if (!this.keys.has(LEGACY_KEY_ID)) return false;
    const keys = await this.status();
    return keys.some((key) => key.id === LEGACY_KEY_ID && key.state !== "retired");
  }
}

const STATUS_MEMO_MS = 5_000;

async function toLoadedKey(record: SigningKeyRecord, material: Buffer | null): Promise<LoadedKey | null> {
  if (record.alg === LEGACY_ALG) {
    if (!material) return null;
    return {
      id: record.id,
      alg: LEGACY_ALG,
      createdAt: record.createdAt,
      verifyKey: new Uint8Array(material),
      privateKey: null,
      publicJwk: null,
    };
  }
  if (record.alg !== SIGNING_ALG || !record.publicJwk) return null;
  const publicJwk = record.publicJwk as JWK;
  const verifyKey = (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey;
  const privateKey = material ? await importPKCS8(material.toString("utf8"), SIGNING_ALG) : null;
  return { id: record.id, alg: SIGNING_ALG, createdAt: record.createdAt, verifyKey, privateKey, publicJwk };
}
