// The database's environment settings without the database drivers: for the server's configuration schema.
export * from "./database-settings";
export { DEFAULT_PGLITE_DIR, resolveDatabaseTarget } from "./database-target";
