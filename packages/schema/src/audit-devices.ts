import { z } from "zod";

export const auditDeviceKinds = ["file", "syslog", "http"] as const;
export const auditDeviceStates = ["ok", "failing", "starting"] as const;

/** One audit device's health as admins see it (the dashboard, `auditDevices.list`). */
export const auditDeviceStatusSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(auditDeviceKinds),
  required: z.boolean(),
  state: z.enum(auditDeviceStates),
  lagEvents: z.number().int().min(0),
  lastDeliveredAt: z.iso.datetime().nullable(),
  lastErrorAt: z.iso.datetime().nullable(),
  /** The last delivery error (admins only: it may name the receiver's host). */
  lastError: z.string().nullable(),
});

export const auditDeviceListSchema = z.strictObject({ devices: z.array(auditDeviceStatusSchema) });

/** What the public /api/status shows of a device: no host, address or message, only the error's class. */
export const auditDeviceSummarySchema = auditDeviceStatusSchema
  .pick({ name: true, required: true, state: true, lagEvents: true, lastDeliveredAt: true })
  .extend({ errorClass: z.string().nullable() });

export type AuditDeviceStatus = z.infer<typeof auditDeviceStatusSchema>;
export type AuditDeviceSummary = z.infer<typeof auditDeviceSummarySchema>;
export type AuditDeviceState = (typeof auditDeviceStates)[number];
