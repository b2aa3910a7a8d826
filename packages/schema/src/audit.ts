import { z } from "zod";
import { idSchema, isoDateSchema, objectError, pageContinuationShape, paginationShape, queryDateSchema, storableText } from "./common";

export const auditEventTypes = [
  "add-identity-oci-auth",
  "update-identity-oci-auth",
  "get-identity-oci-auth",
  "revoke-identity-oci-auth",
  "login-identity-oci-auth",
  "login-identity-oci-auth-failed",
  "add-identity-token-auth",
  "update-identity-token-auth",
  "get-identity-token-auth",
  "revoke-identity-token-auth",
  "create-token-identity-token-auth",
  "get-tokens-identity-token-auth",
  "update-token-identity-token-auth",
  "revoke-token-identity-token-auth",
  "create-identity",
  "get-identity",
  "update-identity",
  "delete-identity",
  "renew-identity-access-token",
  "revoke-identity-access-token",
  "revoke-all-identity-access-tokens",
  "bootstrap-instance",
  "login-user",
  "login-user-failed",
  "add-org-user",
  "update-org-user-role",
  "remove-org-user",
  "change-own-password",
  "reset-user-password",
  "unlock-org-user",
  "create-organization",
  "update-organization",
  "rotate-signing-key",
] as const;
export const auditEventTypeSchema = z.enum(auditEventTypes);
export type AuditEventType = z.infer<typeof auditEventTypeSchema>;

/** What each event type reads as, for people (the dashboard, exports); the raw type stays the stable key. */
export const auditEventLabels: Record<AuditEventType, string> = {
  "add-identity-oci-auth": "OCI auth attached",
  "update-identity-oci-auth": "OCI auth updated",
  "get-identity-oci-auth": "OCI auth viewed",
  "revoke-identity-oci-auth": "OCI auth removed",
  "login-identity-oci-auth": "Identity logged in (OCI)",
  "login-identity-oci-auth-failed": "Identity login failed (OCI)",
  "add-identity-token-auth": "Token Auth attached",
  "update-identity-token-auth": "Token Auth updated",
  "get-identity-token-auth": "Token Auth viewed",
  "revoke-identity-token-auth": "Token Auth removed",
  "create-token-identity-token-auth": "Token Auth token created",
  "get-tokens-identity-token-auth": "Token Auth tokens listed",
  "update-token-identity-token-auth": "Token Auth token renamed",
  "revoke-token-identity-token-auth": "Token Auth token revoked",
  "create-identity": "Identity created",
  "get-identity": "Identity viewed",
  "update-identity": "Identity updated",
  "delete-identity": "Identity deleted",
  "renew-identity-access-token": "Access token renewed",
  "revoke-identity-access-token": "Access token revoked",
  "revoke-all-identity-access-tokens": "All access tokens revoked",
  "bootstrap-instance": "Instance set up",
  "login-user": "User signed in",
  "login-user-failed": "User sign-in failed",
  "add-org-user": "User added",
  "update-org-user-role": "User role changed",
  "remove-org-user": "User removed",
  "change-own-password": "Own password changed",
  "reset-user-password": "User password reset",
  "unlock-org-user": "User sign-in delay cleared",
  "create-organization": "Organization created",
  "update-organization": "Organization updated",
  "rotate-signing-key": "Signing key rotated",
};

/** The label of a stored event type; a type this version does not know reads as itself. */
export function auditEventLabel(type: string): string {
  return (auditEventLabels as Record<string, string>)[type] ?? type;
}

export const actorTypes = ["user", "identity", "anonymous"] as const;
export const actorTypeSchema = z.enum(actorTypes);

const auditFilterShape = {
  organizationId: idSchema("organizationId").meta({ description: "Organization whose events to list (default: the caller's)." }).optional(),
  eventType: z
    .enum(auditEventTypes, `eventType must be one of ${auditEventTypes.join(", ")}`)
    .meta({ description: "Only events of this type.", example: "login-identity-oci-auth" })
    .optional(),
  actorId: storableText("actorId")
    .trim()
    .max(64, "actorId must be at most 64 characters")
    .meta({ description: "Only events by this user or identity id." })
    .optional(),
  /** Events about this identity (its `identityId` in the metadata), whoever acted. */
  targetIdentityId: idSchema("targetIdentityId")
    .meta({ description: "Only events about this machine identity (whoever acted)." })
    .optional(),
  startDate: queryDateSchema("startDate")
    .meta({ description: "Only events at or after this instant.", example: "2026-01-01T00:00:00Z" })
    .optional(),
  endDate: queryDateSchema("endDate")
    .meta({ description: "Only events at or before this instant.", example: "2026-12-31T23:59:59Z" })
    .optional(),
};

export const listAuditEventsQuerySchema = z.strictObject({ ...auditFilterShape, ...paginationShape }, { error: objectError("The query") });

export const auditExportFormats = ["csv", "jsonl"] as const;
export const auditExportFormatSchema = z.enum(auditExportFormats, { error: "format must be csv or jsonl" });
export type AuditExportFormat = z.infer<typeof auditExportFormatSchema>;

/** Every event matching the filters (newest first), as one file. */
export const exportAuditEventsQuerySchema = z.strictObject(
  {
    ...auditFilterShape,
    format: auditExportFormatSchema.meta({ description: "File format: CSV or JSON lines.", example: "csv" }).default("csv"),
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
  ...pageContinuationShape,
});

export type ListAuditEventsQuery = z.infer<typeof listAuditEventsQuerySchema>;
export type ExportAuditEventsQuery = z.infer<typeof exportAuditEventsQuerySchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;

/**
 * An export holds at most this many events; narrower filters (a time range) export the rest.
 * Exports stream, so this bounds an export's length (with the audit cap, about 2 GB at most) and
 * database work, not the server's memory.
 */
export const MAX_EXPORTED_AUDIT_EVENTS = 100_000;

export const auditMessages = {
  exportTooLarge: (count: number) =>
    `The filters match ${count.toLocaleString("en-US")} events; an export holds at most ${MAX_EXPORTED_AUDIT_EVENTS.toLocaleString("en-US")}. Narrow the time range or add a filter and export in parts.`,
} as const;
