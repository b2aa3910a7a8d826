import { createHash, createHmac } from "node:crypto";
import type { AuditDeliveryEvent } from "./audit-device";

export type HttpAuditFormat = "generic" | "splunk";

export const SIGNATURE_HEADER = "x-ociauth-signature";
export const TIMESTAMP_HEADER = "x-ociauth-timestamp";
export const SPLUNK_SOURCETYPE = "ociauth:audit";

/**
 * The signature of a batch: `sha256=` and the hex HMAC-SHA256, under the shared secret, of
 * `<timestamp>.<body>` (the timestamp header's value, a dot, the raw body). The receiver recomputes
 * it and rejects a timestamp too far from its clock, so a captured request cannot be replayed later.
 */
export function signBatch(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The same key for the same batch on every retry (receivers may also de-duplicate by each event's id). */
export function idempotencyKey(events: readonly AuditDeliveryEvent[]): string {
  const hash = createHash("sha256");
  for (const event of events) hash.update(`${event.id},`);
  return hash.digest("hex").slice(0, 32);
}

/**
 * One batch as sent: the generic webhook's `{"events":[...]}`, or Splunk HEC's event endpoint
 * format (one `{"time","event","sourcetype"}` object per event, separated by newlines).
 */
export function batchBody(format: HttpAuditFormat, events: readonly AuditDeliveryEvent[]): { body: string; contentType: string } {
  if (format === "generic") return { body: JSON.stringify({ events }), contentType: "application/json" };
  const lines = events.map((event) => JSON.stringify({ time: Date.parse(event.createdAt) / 1000, event, sourcetype: SPLUNK_SOURCETYPE }));
  return { body: lines.join("\n"), contentType: "application/json" };
}

export interface HttpBatchRequest {
  body: string;
  headers: Record<string, string>;
}

/** The body and headers of a batch: signature (when a secret is set), Splunk token, idempotency key. */
export function buildBatchRequest(
  options: { format: HttpAuditFormat; hmacSecret?: string; token?: string },
  events: readonly AuditDeliveryEvent[],
  now: Date,
): HttpBatchRequest {
  const { body, contentType } = batchBody(options.format, events);
  const headers: Record<string, string> = { "content-type": contentType, "idempotency-key": idempotencyKey(events) };
  if (options.hmacSecret) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signBatch(options.hmacSecret, timestamp, body);
  }
  if (options.token) headers.authorization = `Splunk ${options.token}`;
  return { body, headers };
}
