import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Database, type Db, getSetting } from "@ociauth/db";
import type { AppConfig } from "../../core/config";

/** Where servers before signing keys kept the generated secret (in the clear); read to move it out. */
export const DATABASE_SECRET_SETTING = "auth-secret";

export type RootSecretSource = "env" | "file" | "database" | "memory";

export interface RootSecrets {
  current: string;
  /** AUTH_SECRET_PREVIOUS, or the secret still kept in the database when AUTH_SECRET moves it out. */
  previous: string[];
  source: RootSecretSource;
  /** The generated secret's file (embedded default without AUTH_SECRET). */
  file?: string;
  /** The secret the database kept in the clear (older versions), while it is there. */
  databaseSecret: string | null;
}

/** The generated root secret's file: beside the embedded database's folder, never inside it (or its backups). */
export function generatedSecretFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.auth-secret`);
}

/**
 * The root secret the signing keys are wrapped under: AUTH_SECRET (required with PostgreSQL
 * unless an older version's secret is in the database), else the secret an older version stored in the database (it keeps
 * working; start-up and /api/status say how to move it out), else a secret generated once into a
 * 0600 file beside the embedded database's folder.
 */
export async function resolveRootSecrets(db: Db, config: AppConfig, target: Database["target"]): Promise<RootSecrets> {
  const databaseSecret = await getSetting(db, DATABASE_SECRET_SETTING);
  if (config.AUTH_SECRET) {
    const previous = [config.AUTH_SECRET_PREVIOUS, databaseSecret].filter((s): s is string => Boolean(s) && s !== config.AUTH_SECRET);
    return { current: config.AUTH_SECRET, previous, source: "env", databaseSecret };
  }
  if (databaseSecret) return { current: databaseSecret, previous: [], source: "database", databaseSecret };
  if (target.kind === "postgres") {
    // Several instances share the keys: each must be given the same root secret.
    throw new Error(
      "AUTH_SECRET is required with PostgreSQL (DATABASE_URL): at least 32 random characters, the same on every instance (e.g. openssl rand -base64 48), or AUTH_SECRET_FILE",
    );
  }
  if (target.kind === "pglite-memory")
    return { current: randomBytes(48).toString("base64url"), previous: [], source: "memory", databaseSecret };
  const file = generatedSecretFile(target.dataDir);
  return { current: readOrCreateSecretFile(file), previous: [], source: "file", file, databaseSecret };
}

function readOrCreateSecretFile(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": of two processes racing here, one writes and the other reads what it wrote.
    writeFileSync(file, `${randomBytes(48).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      throw new Error(
        `Cannot create the generated root secret file ${file}: ${(error as Error).message}. Set AUTH_SECRET (or AUTH_SECRET_FILE) instead.`,
      );
    }
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32)
    throw new Error(`The root secret file ${file} holds fewer than 32 characters: restore it from a backup, or set AUTH_SECRET.`);
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return secret;
}

/** What start-up and /api/status say when the root secret is still kept in the database. */
export const DATABASE_SECRET_ADVICE =
  "The root secret is stored in the database (as older versions did), so every database backup holds it. " +
  "Move it out: set AUTH_SECRET (or AUTH_SECRET_FILE) to a new random secret of at least 32 characters and restart; " +
  "the signing keys are re-wrapped under it and the stored secret is deleted. Tokens stay valid.";
