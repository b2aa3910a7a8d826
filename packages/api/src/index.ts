/**
 * @ociauth/api: the whole server side. The app (apps/web) mounts it: its HTTP entry calls
 * `runServer`, its pages call operations in-process through `createCaller`.
 */
export type { Actor, AuthedContext, RequestMeta, ServiceContext } from "./core/context";
export { createContextInner } from "./core/context";
export { getRuntime, closeRuntime } from "./core/process-runtime";
export type { Runtime } from "./core/runtime";
export { CLIENT_IP_HEADER } from "./http/client-ip-header";
export { createAppServer, type PageHandler } from "./http/app-server";
export { runServer, type RunServerOptions } from "./http/run-server";
export { runMigrationStep } from "./http/run-migration-step";
export { flushLogsSync } from "./core/logger";
export { operations, operationList } from "./operations";
export { getOpenApiDocument } from "./rest/openapi-document";
export { newReqId } from "./rest/error-envelope";
export { readCookie, SESSION_COOKIE } from "./rest/request-meta";
export { appRouter, createCaller, type AppRouter } from "./trpc/router";
/** The class the procedures throw: compare with this one (the app bundles its own copy of @trpc/server). */
export { TRPCError } from "@trpc/server";
export { runBackupCommand, runRestoreCommand } from "./backup/backup-commands";
