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

export async function listAuditEvents(
  db: DbClient,
  query: { orgId: string; eventType?: string; actorId?: string; startDate?: Date; endDate?: Date; limit: number; offset: number },
) {
  const where: Prisma.AuditEventWhereInput = {
    orgId: query.orgId,
    ...(query.eventType ? { eventType: query.eventType } : {}),
    ...(query.actorId ? { actorId: query.actorId } : {}),
    ...(query.startDate || query.endDate
      ? { createdAt: { ...(query.startDate ? { gte: query.startDate } : {}), ...(query.endDate ? { lte: query.endDate } : {}) } }
      : {}),
  };
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
