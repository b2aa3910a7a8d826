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

/** Characters that show nothing: a formula behind them is still a formula to a spreadsheet. */
const INVISIBLE_PREFIX = /^[\u200B-\u200D\u2060\uFEFF]*/;
/** A first visible character that makes a spreadsheet evaluate the cell (ASCII or full-width). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
 * A text whose first visible character (after zero-width ones) is = + - @ (or full-width ＝ ＋ － ＠,
 * a tab, a carriage return) gets a leading apostrophe, so a spreadsheet shows it instead of
 * evaluating it as a formula: names and user agents come from outside.
 */
export function csvField(value: string | null): string {
  if (value === null) return "";
  const safe = FORMULA_START.test(value.replace(INVISIBLE_PREFIX, "")) ? `'${value}` : value;
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
 * One JSON line. JSON leaves U+2028, U+2029 and U+0085 raw, and some line splitters (JavaScript's
 * own, Python's str.splitlines) break lines there: they are escaped, so every splitter sees one
 * event per line.
 */
export function jsonLine(event: AuditEvent): string {
  const json = JSON.stringify({ ...event, eventLabel: auditEventLabel(event.eventType) });
  return json.replaceAll(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** What an export starts with: CSV's header row (CRLF line ends, as RFC 4180 says); nothing for JSON lines. */
export const auditExportHeader = (format: AuditExportFormat) => (format === "csv" ? `${AUDIT_CSV_COLUMNS.join(",")}\r\n` : "");

/** Events as export rows, each with its line end: CSV rows (CRLF) or JSON lines with the event's label (LF). */
export function formatAuditRows(events: Iterable<AuditEvent>, format: AuditExportFormat): string {
  let text = "";
  for (const event of events) text += format === "csv" ? `${csvRow(event)}\r\n` : `${jsonLine(event)}\n`;
  return text;
}

/** An export as it is sent: the header, then one chunk per page of events (read only as the chunks are asked for). */
export async function* auditExportChunks(pages: AsyncIterable<AuditEvent[]>, format: AuditExportFormat): AsyncGenerator<string> {
  const header = auditExportHeader(format);
  if (header) yield header;
  for await (const page of pages) yield formatAuditRows(page, format);
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
