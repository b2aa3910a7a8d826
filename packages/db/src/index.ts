export * from "./client";
export * from "./database-target";
export { databasePoolSize, DEFAULT_DATABASE_POOL_SIZE, MAX_DATABASE_POOL_SIZE } from "./database-settings";
export {
  checkDataFolderWritable,
  DamagedDataFolderError,
  DEFAULT_PGLITE_SHARED_BUFFERS,
  pgliteSharedBuffers,
  ReadOnlyDataFolderError,
  UnusableDataFolderError,
} from "./pglite";
export { DataFolderInUseError } from "./folder-lock";
export * from "./data/errors";
export * from "./data/settings";
export * from "./data/signing-keys";
export * from "./data/accounts";
export * from "./data/users";
export * from "./data/organizations";
export * from "./data/identities";
export * from "./data/oci-auth";
export * from "./data/token-auth";
export * from "./data/access-tokens";
export * from "./data/audit";
export * from "./data/audit-retention";
export * from "./data/audit-devices";
export type { Prisma } from "./generated/prisma/client";
export * from "./data/rate-limits";
export * from "./data/login-backoffs";
export * from "./data/login-signatures";
export * from "./data/login-challenges";
export * from "./change-feed";
export { setQueryTracer, type QueryTracer } from "./query-tracer";
export { runOutsideRequestScope, runWithStatementSignal, StatementCancelledError } from "./statement-scope";
export * from "./backup";
