import type { AuditEventInput, Prisma } from "@ociauth/db";
import { MAX_AUDIT_METADATA_BYTES, MAX_AUDIT_TEXT_LENGTH } from "@ociauth/schema";

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "null");

/** A text cut to MAX_AUDIT_TEXT_LENGTH characters (never inside a surrogate pair), marked as cut. */
export function capAuditText(value: string): string {
  if (value.length <= MAX_AUDIT_TEXT_LENGTH) return value;
  let end = MAX_AUDIT_TEXT_LENGTH;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…[truncated: ${value.length} characters]`;
}

function capTexts(value: unknown): unknown {
  if (typeof value === "string") return capAuditText(value);
  if (Array.isArray(value)) return value.map(capTexts);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, capTexts(inner)]));
  return value;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const omitted = (bytes: number) => `[omitted: ${bytes} bytes]`;

/**
 * An event's metadata within the audit limits: long texts cut (capAuditText), then, while it is
 * over MAX_AUDIT_METADATA_BYTES, its biggest values replaced by an `[omitted: N bytes]` marker:
 * top-level values and the fields of top-level objects (a diff's `before.metadata`, so a small
 * `before.role` survives), biggest first; then whole top-level objects. What is left always fits.
 */
export function capAuditMetadata(metadata: Prisma.InputJsonObject): Prisma.InputJsonObject {
  const capped = capTexts(metadata) as Record<string, unknown>;
  const original = jsonBytes(capped);
  let size = original;
  if (size <= MAX_AUDIT_METADATA_BYTES) return capped as Prisma.InputJsonObject;
  // Leaves first (top-level values and the fields of top-level objects), biggest first; then whole objects.
  const leaves = Object.entries(capped).flatMap(([key, value]): { key: string; inner: string | null; bytes: number }[] =>
    isPlainObject(value)
      ? Object.entries(value).map(([inner, innerValue]) => ({ key, inner, bytes: jsonBytes(innerValue) }))
      : [{ key, inner: null, bytes: jsonBytes(value) }],
  );
  const objects = Object.entries(capped).flatMap(([key, value]) => (isPlainObject(value) ? [{ key, inner: null, bytes: 0 }] : []));
  for (const { key, inner, bytes: known } of [...leaves.sort((a, b) => b.bytes - a.bytes), ...objects]) {
    if (size <= MAX_AUDIT_METADATA_BYTES) break;
    const bytes = inner === null ? jsonBytes(capped[key]) : known;
    if (inner === null) capped[key] = omitted(bytes);
    else capped[key] = { ...(capped[key] as Record<string, unknown>), [inner]: omitted(bytes) };
    size += jsonBytes(omitted(bytes)) - bytes;
  }
  return (size <= MAX_AUDIT_METADATA_BYTES ? capped : { omitted: omitted(original) }) as Prisma.InputJsonObject;
}

/** The event as it is stored: metadata and user agent within the audit limits. */
export function capAuditEvent(event: AuditEventInput): AuditEventInput {
  return {
    ...event,
    metadata: capAuditMetadata(event.metadata),
    userAgent: event.userAgent === null ? null : capAuditText(event.userAgent),
  };
}
