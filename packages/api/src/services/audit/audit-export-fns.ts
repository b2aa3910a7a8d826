import { type AuditEvent, auditEventLabel, type AuditExportFormat } from "@ociauth/schema";

export const AUDIT_CSV_COLUMNS = [
  "createdAt",
  "eventType",
  "event",
  "actorType",
  "actorId",
  "actorName",
  "identityId",
  "ipAddress",
  "userAgent",
  "metadata",
  "id",
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
 * A text starting with = + - @ (or a tab / carriage return) gets a leading apostrophe, so a
 * spreadsheet shows it instead of evaluating it as a formula: names and user agents come from outside.
 */
export function csvField(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvRow(event: AuditEvent): string {
  const identityId = typeof event.metadata.identityId === "string" ? event.metadata.identityId : null;
  const cells: Record<(typeof AUDIT_CSV_COLUMNS)[number], string | null> = {
    createdAt: event.createdAt,
    eventType: event.eventType,
    event: auditEventLabel(event.eventType),
    actorType: event.actor.type,
    actorId: event.actor.id,
    actorName: event.actor.name,
    identityId,
    ipAddress: event.ipAddress,
    userAgent: event.userAgent,
    metadata: JSON.stringify(event.metadata),
    id: event.id,
  };
  return AUDIT_CSV_COLUMNS.map((column) => csvField(cells[column])).join(",");
}

/**
 * The events as one file: CSV (header row, CRLF line ends as RFC 4180 says) or JSON lines (one
 * object per line, with the event's label, LF line ends).
 */
export function formatAuditExport(events: Iterable<AuditEvent>, format: AuditExportFormat): string {
  if (format === "csv") {
    const rows = [AUDIT_CSV_COLUMNS.join(",")];
    for (const event of events) rows.push(csvRow(event));
    return `${rows.join("\r\n")}\r\n`;
  }
  let text = "";
  for (const event of events) text += `${JSON.stringify({ ...event, eventLabel: auditEventLabel(event.eventType) })}\n`;
  return text;
}

export const auditExportContentType = (format: AuditExportFormat) =>
  format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";

/** `audit-log-20261203T101500Z.csv`: when it was taken, sortable. */
export function auditExportFileName(format: AuditExportFormat, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replaceAll(/[-:]/g, "");
  return `audit-log-${stamp}.${format}`;
}
