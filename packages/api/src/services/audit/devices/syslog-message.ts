import { SYSLOG_FACILITIES, type SyslogFacility } from "../../../core/config";
import { jsonLine } from "../audit-export-fns";
import type { AuditDeliveryEvent } from "./audit-device";

/**
 * The SD-ID of the structured data each message carries. The project has no IANA private
 * enterprise number of its own; 32473 is the one RFC 5612 sets aside for documentation and examples.
 */
export const SYSLOG_SD_ID = "ociauth@32473";

/** RFC 5424 severities used: failed logins warn, reads inform, every other change is a notice. */
export const SYSLOG_SEVERITY = { warning: 4, notice: 5, info: 6 } as const;

export function syslogSeverity(eventType: string): number {
  if (eventType.endsWith("-failed")) return SYSLOG_SEVERITY.warning;
  if (eventType.startsWith("get-")) return SYSLOG_SEVERITY.info;
  return SYSLOG_SEVERITY.notice;
}

/** A header field: printable US-ASCII without spaces (33–126), at most `max` characters; "-" (nil) when empty. */
export function headerField(value: string, max: number): string {
  const printable = value.replaceAll(/[^!-~]/g, "_").slice(0, max);
  return printable === "" ? "-" : printable;
}

/** An SD-PARAM value: `"`, `\` and `]` escaped with a backslash (RFC 5424 section 6.3.3). */
export const sdParamValue = (value: string) => value.replaceAll(/["\\\]]/g, (c) => `\\${c}`);

export interface SyslogHeader {
  facility: SyslogFacility;
  hostname: string;
  appName: string;
  procId: string;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM MSG`, the
 * timestamp the event's own, MSGID its type, the structured data its id (for de-duplication),
 * sequence and full type, and MSG the JSON line of the audit export (UTF-8, so a BOM before it).
 */
export function syslogMessage(event: AuditDeliveryEvent, header: SyslogHeader): Buffer {
  const pri = SYSLOG_FACILITIES[header.facility] * 8 + syslogSeverity(event.eventType);
  const structured = `[${SYSLOG_SD_ID} id="${sdParamValue(event.id)}" seq="${event.sequence}" type="${sdParamValue(event.eventType)}"]`;
  const head = [
    `<${pri}>1`,
    event.createdAt,
    headerField(header.hostname, 255),
    headerField(header.appName, 48),
    headerField(header.procId, 128),
    headerField(event.eventType, 32),
    structured,
  ].join(" ");
  return Buffer.concat([Buffer.from(`${head} `), BOM, Buffer.from(jsonLine(event))]);
}

/** RFC 6587 octet counting: the message's length in bytes, a space, the message. */
export const octetCounted = (message: Buffer) => Buffer.concat([Buffer.from(`${message.length} `), message]);
