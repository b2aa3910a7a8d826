import { z } from "zod";
import { idSchema, isoDateSchema, objectError, paginationShape, queryDateSchema, storableText } from "./common";

export const auditEventTypes = [
  "add-identity-oci-auth",
  "update-identity-oci-auth",
  "get-identity-oci-auth",
  "revoke-identity-oci-auth",
  "login-identity-oci-auth",
  "login-identity-oci-auth-failed",
  "create-identity",
  "get-identity",
  "update-identity",
  "delete-identity",
  "renew-identity-access-token",
  "revoke-identity-access-token",
  "bootstrap-instance",
  "login-user",
  "login-user-failed",
  "add-org-user",
  "update-org-user-role",
  "remove-org-user",
  "change-own-password",
  "reset-user-password",
] as const;
export const auditEventTypeSchema = z.enum(auditEventTypes);
export type AuditEventType = z.infer<typeof auditEventTypeSchema>;

export const actorTypes = ["user", "identity", "anonymous"] as const;
export const actorTypeSchema = z.enum(actorTypes);

export const listAuditEventsQuerySchema = z.strictObject(
  {
    organizationId: idSchema("organizationId")
      .meta({ description: "Organization whose events to list (default: the caller's)." })
      .optional(),
    eventType: z
      .enum(auditEventTypes, `eventType must be one of ${auditEventTypes.join(", ")}`)
      .meta({ description: "Only events of this type.", example: "login-identity-oci-auth" })
      .optional(),
    actorId: storableText("actorId")
      .trim()
      .max(64, "actorId must be at most 64 characters")
      .meta({ description: "Only events by this user or identity id." })
      .optional(),
    startDate: queryDateSchema("startDate")
      .meta({ description: "Only events at or after this instant.", example: "2026-01-01T00:00:00Z" })
      .optional(),
    endDate: queryDateSchema("endDate")
      .meta({ description: "Only events at or before this instant.", example: "2026-12-31T23:59:59Z" })
      .optional(),
    ...paginationShape,
  },
  { error: objectError("The query") },
);

export const auditEventSchema = z.strictObject({
  id: z.string(),
  organizationId: z.string().nullable(),
  eventType: z.string(),
  actor: z.strictObject({ type: actorTypeSchema, id: z.string().nullable(), name: z.string().nullable() }),
  metadata: z.record(z.string(), z.unknown()),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: isoDateSchema,
});

export const auditEventListResponseSchema = z.strictObject({
  events: z.array(auditEventSchema),
  totalCount: z.number().int(),
});

export type ListAuditEventsQuery = z.infer<typeof listAuditEventsQuerySchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;
