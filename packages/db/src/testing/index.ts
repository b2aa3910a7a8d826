export * from "./test-database";
export * from "./postgres-server";
export * from "./migrations";
export * from "./seed-audit-events";
