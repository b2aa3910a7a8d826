import type { AppConfig } from "../../core/config";

const DAY_MS = 86_400_000;

export interface RetentionSettings {
  days: number;
  intervalMs: number;
  batchSize: number;
  pauseMs: number;
}

/** The prune's settings, or null when events are kept forever (AUDIT_RETENTION_DAYS unset or 0). */
export function retentionSettings(
  config: Pick<
    AppConfig,
    "AUDIT_RETENTION_DAYS" | "AUDIT_RETENTION_INTERVAL_MINUTES" | "AUDIT_RETENTION_BATCH_SIZE" | "AUDIT_RETENTION_BATCH_PAUSE_MS"
  >,
): RetentionSettings | null {
  if (config.AUDIT_RETENTION_DAYS === 0) return null;
  return {
    days: config.AUDIT_RETENTION_DAYS,
    intervalMs: config.AUDIT_RETENTION_INTERVAL_MINUTES * 60_000,
    batchSize: config.AUDIT_RETENTION_BATCH_SIZE,
    pauseMs: config.AUDIT_RETENTION_BATCH_PAUSE_MS,
  };
}

/** Events created before this moment are past retention: exactly `days` × 24 h before `now`. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The delivery floor as the prune's bound: null when no device constrains it. */
export function seqBound(floor: bigint | number | null): bigint | null {
  if (floor === null) return null;
  if (typeof floor === "number" && !Number.isSafeInteger(floor)) throw new Error(`audit delivery floor is not a whole number: ${floor}`);
  return BigInt(floor);
}
