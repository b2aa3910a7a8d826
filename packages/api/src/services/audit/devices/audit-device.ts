import type { AuditEvent } from "@ociauth/schema";

/** One audit event as every audit device receives it: the export's JSON line plus its place in the order. */
export type AuditDeliveryEvent = AuditEvent & { eventLabel: string; sequence: number };

/** A place audit events are streamed to besides the database. */
export interface AuditDevice {
  readonly name: "file" | "syslog" | "http";
  readonly required: boolean;
  /** Resolves once the device has durably recorded every event given (in order); rejects otherwise. */
  deliver(events: readonly AuditDeliveryEvent[]): Promise<void>;
  close(): Promise<void>;
}
