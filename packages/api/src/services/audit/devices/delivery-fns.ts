import type { OutboxEventRow } from "@ociauth/db";
import { auditEventLabel } from "@ociauth/schema";
import type { AuditDeliveryEvent } from "./audit-device";

/** The first retry waits this long; each further one twice as long, up to the configured cap. */
export const FIRST_RETRY_MS = 250;

/** The wait before retry number `failures` (1 = after the first failure): 250 ms, 500 ms, 1 s, … capped at `maxMs`. */
export function retryDelayMs(failures: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 30));
}

/**
 * Gaps in the sequence seen so far: the first missing seq of each gap → when it was first seen.
 * Identity values are taken at insert and committed in any order, so a missing seq may still
 * commit; one rolled back never does.
 */
export type GapClock = Map<number, number>;

export interface DeliverablePlan {
  /** How many of the rows (a prefix) may be delivered now. */
  count: number;
  /** The cursor after delivering them (the last one's seq, or the cursor unchanged). */
  cursor: number;
  /** True when delivery stopped at a gap still within its wait: try again soon. */
  waitingAtGap: boolean;
}

/**
 * Which of `seqs` (ascending, all above `cursor`) can be delivered now without skipping an event
 * that may still commit: the run that follows the cursor without a hole; at a hole, the rows after
 * it only once the hole has been seen for `gapWaitMs`. Every hole in the rows starts its clock on
 * first sight (in `gaps`), so several holes wait at the same time, not one after the other.
 */
export function planDelivery(cursor: number, seqs: readonly number[], gaps: GapClock, now: number, gapWaitMs: number): DeliverablePlan {
  for (const seen of gaps.keys()) if (seen <= cursor) gaps.delete(seen);
  let expected = cursor + 1;
  for (const seq of seqs) {
    if (seq !== expected && !gaps.has(expected)) gaps.set(expected, now);
    expected = seq + 1;
  }
  let count = 0;
  let at = cursor;
  for (const seq of seqs) {
    if (seq !== at + 1 && now - (gaps.get(at + 1) ?? now) < gapWaitMs) return { count, cursor: at, waitingAtGap: true };
    count += 1;
    at = seq;
  }
  return { count, cursor: at, waitingAtGap: false };
}

/** An outbox row as the devices receive it: the JSON export's shape, its label and its place in the order. */
export function toDeliveryEvent(row: OutboxEventRow): AuditDeliveryEvent {
  return {
    id: row.id,
    organizationId: row.orgId,
    eventType: row.eventType,
    actor: { type: row.actorType as "user" | "identity" | "anonymous", id: row.actorId, name: row.actorName },
    metadata: row.metadata ?? {},
    ipAddress: row.ipAddress,
    userAgent: row.userAgent,
    createdAt: row.createdAt.toISOString(),
    eventLabel: auditEventLabel(row.eventType),
    sequence: row.seq,
  };
}

/** What /api/status may show of an error (anyone can read it): its class, never its message (hosts, addresses). */
export function errorClass(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
    const name = error.name === "Error" ? "DeliveryError" : error.name;
    return /^[A-Za-z0-9_]{1,40}$/.test(name) ? name : "DeliveryError";
  }
  return "DeliveryError";
}

/** The error as admins see it (their list, the log): the message and its cause's (fetch hides the socket error there). */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : null;
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
}
