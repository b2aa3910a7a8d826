import { listAuditEvents, type Prisma } from "@ociauth/db";
import { type AuditEvent, type AuditEventType, type ListAuditEventsQuery, messages } from "@ociauth/schema";
import type { Actor, AuthedContext, RequestMeta, ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { actorRoleInOrg, assertRoleAllows } from "../auth/permissions";
import { defaultOrgOf } from "../identities/identity-service";

export interface AuditEntry {
  orgId: string | null;
  eventType: AuditEventType;
  metadata: Prisma.InputJsonObject;
  /** Defaults to the authenticated actor; login events name the identity logging in. */
  actor?: { type: "user" | "identity" | "anonymous"; id: string | null; name: string | null };
}

export function describeActor(actor: Actor | undefined): NonNullable<AuditEntry["actor"]> {
  if (!actor) return { type: "anonymous", id: null, name: null };
  return actor.type === "user"
    ? { type: "user", id: actor.userId, name: actor.email }
    : { type: "identity", id: actor.identityId, name: actor.name };
}

export function toAuditEvent(meta: RequestMeta, actor: Actor | undefined, entry: AuditEntry) {
  const who = entry.actor ?? describeActor(actor);
  return {
    orgId: entry.orgId,
    eventType: entry.eventType,
    actorType: who.type,
    actorId: who.id,
    actorName: who.name,
    metadata: entry.metadata,
    ipAddress: meta.ip,
    userAgent: meta.userAgent,
  };
}

/** The audit event of an entry, by the context's actor (when authenticated) and its request. */
export function auditEvent(ctx: ServiceContext, entry: AuditEntry) {
  return toAuditEvent(ctx.meta, "actor" in ctx ? (ctx as AuthedContext).actor : undefined, entry);
}

export async function listAudit(ctx: AuthedContext, query: ListAuditEventsQuery) {
  const orgId = query.organizationId ?? (await defaultOrgOf(ctx));
  const role = orgId ? await actorRoleInOrg(ctx, orgId) : null;
  if (!orgId || role === null) throw notFound(messages.organizationNotFound(query.organizationId ?? "(none)"));
  assertRoleAllows(role, "read");
  const { events, totalCount } = await listAuditEvents(ctx.db, {
    orgId,
    eventType: query.eventType,
    actorId: query.actorId,
    startDate: query.startDate ? new Date(query.startDate) : undefined,
    endDate: query.endDate ? new Date(query.endDate) : undefined,
    limit: query.limit,
    offset: query.offset,
  });
  const dtos: AuditEvent[] = events.map((e) => ({
    id: e.id,
    organizationId: e.orgId,
    eventType: e.eventType,
    actor: { type: e.actorType as "user" | "identity" | "anonymous", id: e.actorId, name: e.actorName },
    metadata: (e.metadata ?? {}) as Record<string, unknown>,
    ipAddress: e.ipAddress,
    userAgent: e.userAgent,
    createdAt: e.createdAt.toISOString(),
  }));
  return { events: dtos, totalCount };
}
