import { type AuditDeviceStatus, messages } from "@ociauth/schema";
import type { AuthedContext } from "../../../core/context";
import { adminOrgOf } from "../../keys/signing-key-service";

/** The audit devices with their health, lag and last error (instance-wide: admins only). */
export async function listAuditDevices(ctx: AuthedContext): Promise<{ devices: AuditDeviceStatus[] }> {
  await adminOrgOf(ctx, { message: messages.auditDevicesNeedAdmin, subject: "audit-devices" });
  return { devices: ctx.rt.auditDevices.status() };
}
