"use client";

import type { AuditDeviceStatus } from "@ociauth/schema";
import { useQuery } from "@tanstack/react-query";
import { formatDateTime } from "./format";
import { QueryError } from "./query-error";
import { useTRPC } from "./trpc";
import { Badge, EmptyState, PageHeader, SkeletonRows, Spinner } from "./ui";

const STATES: Record<AuditDeviceStatus["state"], { label: string; tone: "success" | "danger" | "neutral"; title: string }> = {
  ok: { label: "OK", tone: "success", title: "Its last delivery succeeded" },
  failing: { label: "Failing", tone: "danger", title: "It cannot record: its last delivery failed, or it lags too far behind" },
  starting: { label: "Starting", tone: "neutral", title: "No delivery attempted yet" },
};

/** How often the page asks again: the state changes within a second of a delivery. */
const REFRESH_MS = 5000;

/** The audit devices (instance-wide, admins only): health, lag and last error of each. */
export function AuditDevicesView() {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.auditDevices.list.queryOptions(), refetchInterval: REFRESH_MS });
  const devices = list.data?.devices ?? [];
  return (
    <>
      <PageHeader
        title="Audit devices"
        description="Where audit events are streamed besides the database (HTTP webhook, file, syslog), in order and at least once."
      />
      <section className="card" aria-labelledby="audit-devices-heading">
        <div className="card-header">
          <div>
            <h2 id="audit-devices-heading">Devices</h2>
            <p>
              A required device that cannot record makes the service refuse logins and changes (503) until it records again; the others keep
              the events in the database until they can.
            </p>
          </div>
          <div className="card-actions">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => list.refetch()} disabled={list.isFetching}>
              {list.isFetching && !list.isPending ? <Spinner label="Refreshing" /> : null} Refresh
            </button>
          </div>
        </div>
        {list.isPending ? (
          <SkeletonRows rows={1} label="Loading audit devices" />
        ) : list.isError && !list.data ? (
          <div className="card-body">
            <QueryError error={list.error} what="the audit devices" onRetry={() => list.refetch()} />
          </div>
        ) : devices.length === 0 ? (
          <EmptyState title="No audit device configured">
            <p>
              Set <code>AUDIT_HTTP_URL</code> (or a file or syslog device) to stream the audit events; see docs/observability.md.
            </p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Audit devices">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Required</th>
                  <th scope="col">State</th>
                  <th scope="col">Events waiting</th>
                  <th scope="col">Last delivered</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {devices.map((device) => (
                  <tr key={device.name} data-device={device.name}>
                    <td className="col-primary" data-label="Device">
                      <code className="mono">{device.name}</code>
                    </td>
                    <td data-label="Required">{device.required ? "Yes" : "No"}</td>
                    <td data-label="State">
                      <Badge tone={STATES[device.state].tone} title={STATES[device.state].title}>
                        {STATES[device.state].label}
                      </Badge>
                    </td>
                    <td data-label="Events waiting">{device.lagEvents.toLocaleString("en-US")}</td>
                    <td data-label="Last delivered">{device.lastDeliveredAt ? formatDateTime(device.lastDeliveredAt) : "—"}</td>
                    <td data-label="Last error">
                      {device.lastError ? (
                        <>
                          {device.lastError}
                          {device.lastErrorAt ? <span className="muted"> ({formatDateTime(device.lastErrorAt)})</span> : null}
                        </>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
