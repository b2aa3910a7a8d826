export { backupDatabase, NothingToBackUpError, type BackupOptions, type BackupResult } from "./backup";
export { restoreDatabase, RestoreRefusedError, type RestoreOptions, type RestoreResult } from "./restore";
export { InvalidBackupError } from "./archive";
export type { BackupManifest } from "./manifest";
export { libpqEnvironment, MissingPostgresToolError } from "./postgres-tools";
