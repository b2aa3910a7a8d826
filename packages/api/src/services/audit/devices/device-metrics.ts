import { Counter, Gauge } from "prom-client";
import { registry } from "../../../core/metrics";

export const deviceUp = new Gauge({
  name: "ociauth_audit_device_up",
  help: "1 when the audit device's last delivery succeeded (or nothing was delivered yet), 0 while it fails",
  labelNames: ["device"],
  registers: [registry],
});

export const deviceLag = new Gauge({
  name: "ociauth_audit_device_lag_events",
  help: "Audit events in the database not yet delivered to the device",
  labelNames: ["device"],
  registers: [registry],
});

export const deviceDelivered = new Counter({
  name: "ociauth_audit_device_delivered_events_total",
  help: "Audit events delivered to the device",
  labelNames: ["device"],
  registers: [registry],
});

export const deviceFailures = new Counter({
  name: "ociauth_audit_device_failures_total",
  help: "Failed delivery attempts to the audit device",
  labelNames: ["device"],
  registers: [registry],
});
