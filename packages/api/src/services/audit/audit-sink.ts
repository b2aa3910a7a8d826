import {
  type AuditEventInput,
  type DbTransaction,
  insertAuditEvent,
  insertAuditEvents,
  runOutsideRequestScope,
  type StatementRunner,
} from "@ociauth/db";
import { capAuditEvent } from "./audit-payload-fns";

const MAX_BATCH = 200;

/**
 * Where audit events go, said explicitly at each call:
 * - `recordIn(tx, event)`: in the transaction of the change it records (both commit or neither);
 * - `record(event)`: on its own, for reads and logins. Events of concurrent requests are committed
 *   together in one INSERT (group commit), sent to the driver directly; each caller still waits
 *   for its event's commit, so nothing acknowledged is lost.
 * Both store the event within the audit limits (`capAuditEvent`: long texts cut, oversized
 * metadata such as a big diff replaced field by field with a marker).
 */
export class AuditSink {
  private queue: { event: AuditEventInput; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;

  /** `committed` hears of events committed on their own (the audit devices deliver them without waiting for their poll). */
  constructor(
    private readonly execute: StatementRunner,
    private readonly committed: () => void = () => undefined,
  ) {}

  /** Events recorded but not yet committed: waiting for the next batch or in the batch being written. */
  pending(): number {
    return this.queue.length + this.inFlight;
  }

  recordIn(tx: DbTransaction, event: AuditEventInput): Promise<void> {
    return insertAuditEvent(tx, capAuditEvent(event)).then(() => undefined);
  }

  record(event: AuditEventInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event: capAuditEvent(event), resolve, reject });
      if (this.queue.length >= MAX_BATCH) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** A batch holds events of many requests: no request's deadline may cancel its statement. */
  private flush(): Promise<void> {
    return runOutsideRequestScope(() => this.flushBatch());
  }

  private async flushBatch() {
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    this.inFlight += batch.length;
    try {
      await insertAuditEvents(
        this.execute,
        batch.map((b) => b.event),
      );
      for (const b of batch) b.resolve();
      this.committed();
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.inFlight -= batch.length;
    }
  }
}
