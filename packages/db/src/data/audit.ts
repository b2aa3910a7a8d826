import { randomUUID } from "node:crypto";
import type { DbClient } from "../client";
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

/**
 * Many events in one INSERT. Raw SQL with one array per column: a statement of the same shape
 * whatever the batch size (Prisma's createMany compiles a new query for every row count).
 */
export async function insertAuditEvents(db: DbClient, events: AuditEventInput[]) {
  const column = <K extends keyof AuditEventInput>(key: K) => events.map((e) => e[key]);
  await db.$executeRaw`
    INSERT INTO audit_events (id, "orgId", "eventType", "actorType", "actorId", "actorName", metadata, "ipAddress", "userAgent")
    SELECT id, org, event, actor, actor_id, actor_name, meta::jsonb, ip, agent
      FROM unnest(${events.map(() => randomUUID())}::uuid[], ${column("orgId")}::uuid[], ${column("eventType")}::text[],
                  ${column("actorType")}::text[], ${column("actorId")}::text[], ${column("actorName")}::text[],
                  ${events.map((e) => JSON.stringify(e.metadata))}::text[], ${column("ipAddress")}::text[], ${column("userAgent")}::text[])
        AS t(id, org, event, actor, actor_id, actor_name, meta, ip, agent)`;
}
