import { randomUUID } from "node:crypto";
import type { DbClient, StatementRunner } from "../client";
import type { Prisma } from "../generated/prisma/client";

export interface AuditEventInput {
  orgId: string | null;
  eventType: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  metadata: Prisma.InputJsonObject;
  ipAddress: string | null;
  userAgent: string | null;
}

export async function insertAuditEvent(db: DbClient, event: AuditEventInput) {
  return db.auditEvent.create({ data: event });
}

export interface AuditEventFilters {
  orgId: string;
  eventType?: string;
  actorId?: string;
  /** Events about this identity: its id under `identityId` in the metadata. */
  targetIdentityId?: string;
  startDate?: Date;
  endDate?: Date;
}

function auditEventWhere(query: AuditEventFilters): Prisma.AuditEventWhereInput {
  return {
    orgId: query.orgId,
    ...(query.eventType ? { eventType: query.eventType } : {}),
    ...(query.actorId ? { actorId: query.actorId } : {}),
    ...(query.targetIdentityId ? { metadata: { path: ["identityId"], equals: query.targetIdentityId } } : {}),
    ...(query.startDate || query.endDate
      ? { createdAt: { ...(query.startDate ? { gte: query.startDate } : {}), ...(query.endDate ? { lte: query.endDate } : {}) } }
      : {}),
  };
}

/**
 * Every event matching the filters, newest first, one page (array) at a time: keyset on
 * (createdAt, id), so events written meanwhile neither repeat nor shift the pages. The next page
 * is queried only when the consumer asks for it (exports read as fast as their client does).
 */
export async function* auditEventPages(db: DbClient, filters: AuditEventFilters, pageSize = 500) {
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const where: Prisma.AuditEventWhereInput = after
      ? {
          AND: [
            auditEventWhere(filters),
            { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] },
          ],
        }
      : auditEventWhere(filters);
    const page = await db.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

export async function countAuditEvents(db: DbClient, filters: AuditEventFilters) {
  return db.auditEvent.count({ where: auditEventWhere(filters) });
}

export async function listAuditEvents(db: DbClient, query: AuditEventFilters & { limit: number; offset: number }) {
  const where = auditEventWhere(query);
  const [events, totalCount] = await Promise.all([
    db.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.limit, skip: query.offset }),
    db.auditEvent.count({ where }),
  ]);
  return { events, totalCount };
}

const INSERT_AUDIT_EVENTS = `
  INSERT INTO audit_events (id, "orgId", "eventType", "actorType", "actorId", "actorName", metadata, "ipAddress", "userAgent")
  SELECT id, org, event, actor, actor_id, actor_name, meta::jsonb, ip, agent
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
      AS t(id, org, event, actor, actor_id, actor_name, meta, ip, agent)`;

/**
 * Many events in one INSERT, on the driver directly (`Database.execute`). One array per column:
 * a statement of the same shape whatever the batch size.
 */
export async function insertAuditEvents(execute: StatementRunner, events: AuditEventInput[]) {
  const column = <K extends keyof AuditEventInput>(key: K) => events.map((e) => e[key]);
  await execute(INSERT_AUDIT_EVENTS, [
    events.map(() => randomUUID()),
    column("orgId"),
    column("eventType"),
    column("actorType"),
    column("actorId"),
    column("actorName"),
    events.map((e) => JSON.stringify(e.metadata)),
    column("ipAddress"),
    column("userAgent"),
  ]);
}
