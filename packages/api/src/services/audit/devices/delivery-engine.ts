import {
  advanceDeviceCursor,
  type Database,
  ensureDeviceCursor,
  readDeviceProgress,
  readOutboxEvents,
  runOutsideRequestScope,
  type StatementRunner,
  withDeviceDelivery,
} from "@ociauth/db";
import type { AuditDeviceState, AuditDeviceStatus, AuditDeviceSummary } from "@ociauth/schema";
import { serviceUnavailable } from "../../../core/errors";
import { getLogger } from "../../../core/logger";
import type { AuditDevice } from "./audit-device";
import { deviceDelivered, deviceFailures, deviceLag, deviceUp } from "./device-metrics";
import { errorClass, errorMessage, type GapClock, planDelivery, retryDelayMs, toDeliveryEvent } from "./delivery-fns";

/** Without a nudge, each loop looks for new events (and another instance's progress) this often. */
export const POLL_MS = 500;

/** Events per delivery for devices without a batch size of their own. */
export const DEFAULT_DEVICE_BATCH_SIZE = 100;

export interface DeliveryOptions {
  /** Most events per delivery to a device. */
  batchSize: (device: AuditDevice["name"]) => number;
  /** Longest wait between retries of a failed delivery. */
  retryMaxMs: number;
  /** A device whose oldest undelivered event waits longer than this counts as failing. */
  maxLagMs: number;
  /** How long to wait at a hole in the sequence before moving past it. */
  gapWaitMs: number;
}

/** The outcome of one round as the loop needs it. */
type Round = { delivered: number; more: boolean; waitingAtGap: boolean };

/** One device's delivery loop and what it knows of the device's health. */
class DeviceLoop {
  private state: AuditDeviceState = "starting";
  private failures = 0;
  private lastDeliveredAt: Date | null = null;
  private lastErrorAt: Date | null = null;
  private lastError: string | null = null;
  private lastErrorClass: string | null = null;
  private lagEvents = 0;
  /** The oldest undelivered event waits longer than allowed (seen by any instance, delivering or not). */
  private lagging = false;
  private readonly gaps: GapClock = new Map();
  private wake: (() => void) | null = null;
  private nudged = false;
  private closed = false;
  private running: Promise<void> | null = null;
  private cursorReady = false;

  constructor(
    readonly device: AuditDevice,
    private readonly database: Database,
    private readonly options: DeliveryOptions,
  ) {
    deviceUp.set({ device: device.name }, 1);
    deviceLag.set({ device: device.name }, 0);
  }

  start() {
    this.running = runOutsideRequestScope(() => this.loop());
  }

  nudge() {
    this.nudged = true;
    this.wake?.();
  }

  async close() {
    this.closed = true;
    this.wake?.();
    await this.device.close().catch(() => undefined);
    await this.running;
  }

  /** Whether the device can record now: not after a failed delivery, not while it lags over the bound. */
  canRecord(): boolean {
    return this.state !== "failing";
  }

  status(): AuditDeviceStatus {
    return {
      name: this.device.name,
      kind: this.device.name,
      required: this.device.required,
      state: this.state,
      lagEvents: this.lagEvents,
      lastDeliveredAt: this.lastDeliveredAt?.toISOString() ?? null,
      lastErrorAt: this.lastErrorAt?.toISOString() ?? null,
      lastError: this.lastError,
    };
  }

  summary(): AuditDeviceSummary {
    const { name, required, state, lagEvents, lastDeliveredAt } = this.status();
    return { name, required, state, lagEvents, lastDeliveredAt, errorClass: this.state === "failing" ? this.lastErrorClass : null };
  }

  private async loop() {
    while (!this.closed) {
      let waitMs = POLL_MS;
      try {
        if (!this.cursorReady) {
          await ensureDeviceCursor(this.database.execute, this.device.name);
          this.cursorReady = true;
        }
        const outcome = await withDeviceDelivery(this.database, this.device.name, (run, cursor) => this.round(run, cursor));
        await this.readProgress();
        if (outcome) {
          this.recovered();
          if (outcome.result.more) waitMs = 0;
          else if (outcome.result.waitingAtGap) waitMs = Math.min(POLL_MS, Math.max(50, this.options.gapWaitMs / 4));
        } else {
          // Another instance delivers: this one reports what the database says of the device.
          this.failures = 0;
          this.setState(this.lagging ? "failing" : "ok", this.lagging ? "the device lags (delivered by another instance)" : null);
        }
      } catch (error) {
        if (this.closed) break;
        this.failed(error);
        waitMs = retryDelayMs(this.failures, this.options.retryMaxMs);
        await this.readProgress().catch(() => undefined);
      }
      await this.sleep(waitMs, this.failures === 0);
    }
  }

  private async round(run: StatementRunner, cursor: number): Promise<Round> {
    const batchSize = this.options.batchSize(this.device.name);
    const rows = await readOutboxEvents(run, cursor, batchSize);
    const plan = planDelivery(
      cursor,
      rows.map((row) => row.seq),
      this.gaps,
      Date.now(),
      this.options.gapWaitMs,
    );
    if (plan.count === 0) return { delivered: 0, more: false, waitingAtGap: plan.waitingAtGap };
    await this.device.deliver(rows.slice(0, plan.count).map(toDeliveryEvent));
    await advanceDeviceCursor(run, this.device.name, plan.cursor);
    deviceDelivered.inc({ device: this.device.name }, plan.count);
    this.lastDeliveredAt = new Date();
    return { delivered: plan.count, more: plan.count === rows.length && rows.length === batchSize, waitingAtGap: plan.waitingAtGap };
  }

  private async readProgress() {
    const progress = await readDeviceProgress(this.database.execute, this.device.name);
    if (!progress) return;
    this.lagEvents = Math.max(0, progress.maxSeq - progress.deliveredSeq);
    this.lagging = progress.oldestWaitingAt !== null && Date.now() - progress.oldestWaitingAt.getTime() > this.options.maxLagMs;
    if (this.lastDeliveredAt === null && progress.deliveredSeq > 0) this.lastDeliveredAt = progress.updatedAt;
    deviceLag.set({ device: this.device.name }, this.lagEvents);
    if (this.lagging && this.state === "ok") this.setState("failing", "the device lags");
  }

  private recovered() {
    this.failures = 0;
    this.setState(this.lagging ? "failing" : "ok", this.lagging ? "the device lags" : null);
  }

  private failed(error: unknown) {
    this.failures += 1;
    deviceFailures.inc({ device: this.device.name });
    this.lastErrorAt = new Date();
    this.lastError = errorMessage(error);
    this.lastErrorClass = errorClass(error);
    this.setState("failing", this.lastError, error);
  }

  /** Logs once per change of state (not per retry): failing with the cause, and recovering. */
  private setState(next: AuditDeviceState, cause: string | null, error?: unknown) {
    if (next === this.state) return;
    const previous = this.state;
    this.state = next;
    deviceUp.set({ device: this.device.name }, next === "failing" ? 0 : 1);
    const fields = { device: this.device.name, required: this.device.required, state: next, previous };
    if (next === "failing") {
      getLogger().error(
        { ...fields, cause, err: error, lagEvents: this.lagEvents },
        this.device.required
          ? `audit device ${this.device.name} cannot record: logins and changes are refused until it does`
          : `audit device ${this.device.name} cannot record: events wait in the database`,
      );
    } else if (previous === "failing") {
      getLogger().info(fields, `audit device ${this.device.name} records again`);
    }
  }

  private sleep(ms: number, wakeOnNudge: boolean): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (wakeOnNudge && this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.nudged = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = () => {
        if (this.closed || wakeOnNudge) done();
      };
    });
  }
}

/** The message of the 503 while a required device cannot record. */
export const auditDeviceDownMessage = (names: string[]) =>
  `Audit device ${names.join(", ")} cannot record audit events, and ${names.length === 1 ? "it is" : "they are"} required: ` +
  `logins and changes are refused until ${names.length === 1 ? "it records" : "they record"} again (reads still work).`;

/**
 * Streams the audit events (the audit_events table is the outbox) to the configured devices: per
 * device a loop delivers the events after its cursor in order, then advances the cursor, so each
 * event reaches each device at least once across restarts. Among instances on one PostgreSQL only
 * the one holding the device's cursor row delivers to it.
 */
export class AuditDeliveryEngine {
  private readonly loops: DeviceLoop[];

  constructor(devices: readonly AuditDevice[], database: Database, options: DeliveryOptions) {
    this.loops = devices.map((device) => new DeviceLoop(device, database, options));
  }

  start(): void {
    for (const loop of this.loops) loop.start();
  }

  /** New events were committed: deliver them now rather than at the next poll. */
  nudge(): void {
    for (const loop of this.loops) loop.nudge();
  }

  /** Throws the 503 (transport-free) while a required device cannot record: logins and changes wait for it. */
  assertCanRecord(): void {
    const down = this.loops.filter((loop) => loop.device.required && !loop.canRecord()).map((loop) => loop.device.name);
    if (down.length > 0) throw serviceUnavailable(auditDeviceDownMessage(down), 1);
  }

  status(): AuditDeviceStatus[] {
    return this.loops.map((loop) => loop.status());
  }

  summary(): AuditDeviceSummary[] {
    return this.loops.map((loop) => loop.summary());
  }

  deviceNames(): string[] {
    return this.loops.map((loop) => loop.device.name);
  }

  async close(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.close()));
  }
}
