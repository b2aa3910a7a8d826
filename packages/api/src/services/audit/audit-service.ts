import { budgetedPage } from "../pages/page-budget-fns";
import { auditEventPages, type AuditEventFilters, countAuditEvents, listAuditEvents, type Prisma } from "@ociauth/db";
import {
  type AuditEvent,
  type AuditEventType,
  auditMessages,
  type ExportAuditEventsQuery,
  type ListAuditEventsQuery,
  MAX_EXPORTED_AUDIT_EVENTS,
  messages,
} from "@ociauth/schema";
import type { Actor, AuthedContext, RequestMeta, ServiceContext } from "../../core/context";
import { badRequest, notFound } from "../../core/errors";
import { actorRoleInOrg, assertRoleAllows, defaultOrgOf } from "../auth/permissions";
import type { FileStream } from "../../operations/define-operation";
import { auditExportChunks, auditExportContentType, auditExportFileName } from "./audit-export-fns";

/**
 * Rows per database page of an export: at the audit event cap a page is ~330 KiB, so each step of
 * a stream is short and many exports at once leave the event loop to other requests (the load test).
 */
const EXPORT_PAGE_ROWS = 20;

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

/** The organization whose events the actor may read (viewer and up), and the filters of the query. */
async function auditScope(ctx: AuthedContext, query: Omit<ListAuditEventsQuery, "limit" | "offset">): Promise<AuditEventFilters> {
  const orgId = query.organizationId ?? (await defaultOrgOf(ctx));
  const role = orgId ? await actorRoleInOrg(ctx, orgId) : null;
  if (!orgId || role === null) throw notFound(messages.organizationNotFound(query.organizationId ?? "(none)"));
  assertRoleAllows(role, "read");
  return {
    orgId,
    eventType: query.eventType,
    actorId: query.actorId,
    targetIdentityId: query.targetIdentityId,
    startDate: query.startDate ? new Date(query.startDate) : undefined,
    endDate: query.endDate ? new Date(query.endDate) : undefined,
  };
}

function toAuditEventDto(e: Awaited<ReturnType<typeof listAuditEvents>>["events"][number]): AuditEvent {
  return {
    id: e.id,
    organizationId: e.orgId,
    eventType: e.eventType,
    actor: { type: e.actorType as "user" | "identity" | "anonymous", id: e.actorId, name: e.actorName },
    metadata: (e.metadata ?? {}) as Record<string, unknown>,
    ipAddress: e.ipAddress,
    userAgent: e.userAgent,
    createdAt: e.createdAt.toISOString(),
  };
}

/** A page of the matching events (newest first), within the page byte budget, with where the next one starts. */
export async function listAudit(ctx: AuthedContext, query: ListAuditEventsQuery) {
  const filters = await auditScope(ctx, query);
  const { events, totalCount } = await listAuditEvents(ctx.db, { ...filters, limit: query.limit, offset: query.offset });
  const { rows, ...page } = budgetedPage(events.map(toAuditEventDto), { offset: query.offset, limit: query.limit, total: totalCount });
  return { events: rows, totalCount, ...page };
}

/** The events of each page as the API shows them. */
async function* toAuditEventDtoPages(pages: AsyncIterable<Parameters<typeof toAuditEventDto>[0][]>) {
  for await (const page of pages) yield page.map(toAuditEventDto);
}

/**
 * Every event matching the filters (newest first), as a CSV or JSON-lines file streamed from the
 * database: the checks (role, filters, the export cap: 400 above it) run first, then the file is
 * produced a keyset page at a time while it is sent, so memory stays flat whatever its size.
 */
export async function exportAudit(ctx: AuthedContext, { format, ...query }: ExportAuditEventsQuery): Promise<FileStream> {
  const filters = await auditScope(ctx, query);
  const total = await countAuditEvents(ctx.db, filters);
  if (total > MAX_EXPORTED_AUDIT_EVENTS) throw badRequest(auditMessages.exportTooLarge(total));
  return {
    fileName: auditExportFileName(format, new Date()),
    contentType: auditExportContentType(format),
    chunks: auditExportChunks(toAuditEventDtoPages(auditEventPages(ctx.db, filters, EXPORT_PAGE_ROWS)), format),
  };
}
