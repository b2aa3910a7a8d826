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

export async function insertAuditEvents(db: DbClient, events: AuditEventInput[]) {
  await db.auditEvent.createMany({ data: events });
}
