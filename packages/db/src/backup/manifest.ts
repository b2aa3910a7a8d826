import { InvalidBackupError } from "./archive";

export const MANIFEST_ENTRY = "manifest.json";
/** The embedded database's folder, as PGlite's `dumpDataDir("gzip")` writes it. */
export const PGLITE_ENTRY = "pglite-data.tar.gz";
/** `pg_dump --format=custom`: `tar -xOf backup.tar postgres.pgdump | pg_restore …` works by hand too. */
export const POSTGRES_ENTRY = "postgres.pgdump";
/** The generated root secret file of an embedded database (`<PGLITE_DIR>.auth-secret`), when there is one. */
export const SECRET_ENTRY = "auth-secret";

export type BackupKind = "pglite" | "postgres";

export interface BackupManifest {
  format: "ociauth-backup";
  formatVersion: 1;
  createdAt: string;
  database: BackupKind;
  /** Where it was taken from (no password). */
  source: string;
  /** Applied migrations, oldest first: the schema the backup holds. */
  migrations: string[];
  /** Rows of every table in the public schema, counted in the backup's own snapshot. */
  tables: Record<string, number>;
  /** Whether the generated root secret file is in the backup (embedded database without AUTH_SECRET). */
  authSecretFile: boolean;
}

export function parseManifest(file: string, data: Buffer): BackupManifest {
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(data.toString("utf8")) as Partial<BackupManifest>;
  } catch {
    throw new InvalidBackupError(file, `${MANIFEST_ENTRY} is not JSON`);
  }
  if (manifest.format !== "ociauth-backup") throw new InvalidBackupError(file, `${MANIFEST_ENTRY} is not an OCI Auth backup manifest`);
  if (manifest.formatVersion !== 1) {
    throw new InvalidBackupError(
      file,
      `it is in backup format ${manifest.formatVersion}, which this release does not read (it reads format 1)`,
    );
  }
  if (manifest.database !== "pglite" && manifest.database !== "postgres") throw new InvalidBackupError(file, "unknown database kind");
  return manifest as BackupManifest;
}

/** Row counts that differ between the backup's manifest and a restored database (empty when they agree). */
export function countDifferences(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names
    .filter((name) => expected[name] !== actual[name])
    .map((name) => `${name}: ${expected[name] ?? "absent"} in the backup, ${actual[name] ?? "absent"} restored`);
}
