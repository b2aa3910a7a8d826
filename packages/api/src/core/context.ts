import type { Db } from "@ociauth/db";
import type { OrgRole } from "@ociauth/schema";
import { type AppConfig, getConfig } from "./config";
import { getRuntime } from "./process-runtime";
import type { Runtime } from "./runtime";

export type Actor =
  | { type: "user"; userId: string; email: string; sessionId: string }
  | { type: "identity"; identityId: string; name: string; orgId: string; role: OrgRole; tokenId: string; authMethod: string };

export interface RequestMeta {
  reqId: string;
  /** The caller's address: the socket's, or X-Forwarded-For's when the socket is a trusted proxy. */
  ip: string | null;
  userAgent: string | null;
  /** The raw Authorization header, authenticated lazily by the procedures that need it. */
  authorization: string | null;
  /** Durations (ms) a service reports for the Server-Timing response header. */
  timings?: Record<string, number>;
}

export interface ServiceContext {
  rt: Runtime;
  /** The runtime's database (`rt.db`), named for brevity. */
  db: Db;
  config: AppConfig;
  meta: RequestMeta;
}

export interface AuthedContext extends ServiceContext {
  actor: Actor;
}

/** No HTTP here: tests build contexts directly (tRPC createCaller, services). */
export function createContextInner(input: { rt: Runtime; meta: RequestMeta; config?: AppConfig }): ServiceContext {
  return { rt: input.rt, db: input.rt.db, meta: input.meta, config: input.config ?? getConfig() };
}

export async function createRequestContext(meta: RequestMeta): Promise<ServiceContext> {
  return createContextInner({ rt: await getRuntime(), meta });
}
