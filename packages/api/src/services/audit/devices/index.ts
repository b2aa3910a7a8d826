import type { AppConfig } from "../../../core/config";
import type { AuditDevice } from "./audit-device";
import { createFileDevice } from "./file-device";
import { createHttpDevice } from "./http-device";
import { createSyslogDevice } from "./syslog-device";

/** The audit devices the configuration enables (one per kind). */
export function devicesFromConfig(config: AppConfig): AuditDevice[] {
  return [createFileDevice(config), createSyslogDevice(config), createHttpDevice(config)].filter(
    (device): device is AuditDevice => device !== undefined,
  );
}
