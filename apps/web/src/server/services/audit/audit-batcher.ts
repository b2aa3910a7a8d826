import { type AuditEventInput, type DbClient, insertAuditEvents } from "@ociauth/db";

const MAX_BATCH = 200;

/**
 * Group commit for audit events written outside a transaction (reads, logins): events of
 * concurrent requests go to the database in one INSERT. Each request still waits until its
 * event is stored, so nothing acknowledged is lost.
 */
export class AuditBatcher {
  private queue: { event: AuditEventInput; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly db: DbClient) {}

  write(event: AuditEventInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.queue.length >= MAX_BATCH) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush() {
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    try {
      await insertAuditEvents(
        this.db,
        batch.map((b) => b.event),
      );
      for (const b of batch) b.resolve();
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}
