import type { AppConfig } from "../../../core/config";
import type { AuditDevice } from "./audit-device";
import { createHttpDevice } from "./http-device";

/** The audit devices the configuration enables (one per kind). */
export function devicesFromConfig(config: AppConfig): AuditDevice[] {
  return [createHttpDevice(config)].filter((device): device is AuditDevice => device !== undefined);
}
