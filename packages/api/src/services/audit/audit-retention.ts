import { type Database, pruneAuditEventsBatch, withAuditPruneLock } from "@ociauth/db";
import { Counter } from "prom-client";
import { getLogger } from "../../core/logger";
import { registry } from "../../core/metrics";
import { type RetentionSettings, retentionCutoff, seqBound } from "./audit-retention-fns";

export const auditPrunedEvents = new Counter({
  name: "ociauth_audit_pruned_events_total",
  help: "Audit events deleted by the retention prune (AUDIT_RETENTION_DAYS)",
  registers: [registry],
});

/**
 * The lowest audit `seq` a configured audit device has not delivered yet, or null when no device
 * is configured: the prune never deletes an event at or above it.
 */
export type DeliveryFloor = () => Promise<bigint | number | null>;

export const noAuditDevices: DeliveryFloor = () => Promise.resolve(null);

export interface PruneRun {
  /** False when another instance was pruning (this one left it to that one). */
  ran: boolean;
  deleted: number;
  cutoff: Date;
  durationMs: number;
}

/**
 * Deletes audit events past AUDIT_RETENTION_DAYS: at start-up, then every interval, in batches of
 * short statements with a pause between them, so inserts and logins keep their pace. Across
 * instances on one PostgreSQL only the holder of an advisory lock prunes; the others skip the run.
 */
export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneRun> | undefined;
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly settings: RetentionSettings,
    private readonly deliveryFloor: DeliveryFloor = noAuditDevices,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Starts the first run now (in the background) and schedules the next ones. */
  start(): this {
    void this.runLogged();
    this.timer = setInterval(() => void this.runLogged(), this.settings.intervalMs);
    this.timer.unref();
    return this;
  }

  /** One prune run; a run already under way is joined rather than doubled. */
  run(): Promise<PruneRun> {
    this.running ??= this.prune().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the schedule; a run under way stops after its current statement. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async runLogged() {
    if (this.closed) return;
    try {
      await this.run();
    } catch (error) {
      getLogger().error({ err: error }, "audit retention prune failed");
    }
  }

  private async prune(): Promise<PruneRun> {
    const started = performance.now();
    const cutoff = retentionCutoff(this.now(), this.settings.days);
    const outcome = await withAuditPruneLock(this.database, async (execute) => {
      // Read once per run: events delivered meanwhile wait for the next run.
      const belowSeq = seqBound(await this.deliveryFloor());
      let deleted = 0;
      while (!this.closed) {
        const n = await pruneAuditEventsBatch(execute, { cutoff, belowSeq, limit: this.settings.batchSize });
        deleted += n;
        auditPrunedEvents.inc(n);
        if (n < this.settings.batchSize) break;
        if (this.settings.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.settings.pauseMs));
      }
      return deleted;
    });
    const run: PruneRun = {
      ran: outcome.ran,
      deleted: outcome.ran ? outcome.value : 0,
      cutoff,
      durationMs: Math.round(performance.now() - started),
    };
    getLogger().info(
      {
        auditPrune: {
          deleted: run.deleted,
          durationMs: run.durationMs,
          cutoff: cutoff.toISOString(),
          ...(run.ran ? {} : { skipped: "another instance is pruning" }),
        },
      },
      run.ran
        ? `audit retention: ${run.deleted} events older than ${cutoff.toISOString()} deleted`
        : "audit retention: another instance is pruning",
    );
    return run;
  }
}
