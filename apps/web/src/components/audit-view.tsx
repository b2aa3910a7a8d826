"use client";

import { type AuditEvent, auditEventLabel, auditEventLabels, auditEventTypes, type AuditEventType } from "@ociauth/schema";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { DashboardSession } from "@/auth/session";
import { formatDateTime } from "./format";
import { Pagination } from "./pagination";
import {
  actorChoicesInput,
  AUDIT_PAGE_SIZE,
  type AuditFilters,
  auditListInput,
  auditParamsFromState,
  auditStateFromParams,
} from "./query-inputs";
import { QueryError } from "./query-error";
import { useTRPC } from "./trpc";
import { Badge, EmptyState, PageHeader, SkeletonRows, Spinner } from "./ui";
import { useUrlParams } from "./url-state";

/** <input type="datetime-local"> works in UTC here, like every time the dashboard shows. */
const toLocalInput = (iso?: string) => (iso ? new Date(iso).toISOString().slice(0, 16) : "");
const fromLocalInput = (value: string, end: boolean) => (value ? `${value}:${end ? "59.999" : "00.000"}Z` : undefined);

function eventTone(type: string): "danger" | "warning" | "success" | "neutral" {
  if (type.endsWith("-failed")) return "danger";
  if (type.startsWith("revoke-") || type.startsWith("delete-")) return "warning";
  if (type.startsWith("add-") || type.startsWith("create-") || type.startsWith("bootstrap-")) return "success";
  return "neutral";
}

function describeValue(value: unknown): string {
  if (value === null) return "none";
  if (Array.isArray(value)) {
    return value
      .map((item) =>
        item && typeof item === "object" && "ipAddress" in item
          ? `${item.ipAddress}${"prefix" in item ? `/${item.prefix}` : ""}`
          : describeValue(item),
      )
      .join(", ");
  }
  if (typeof value === "object") return JSON.stringify(value);
  const text = String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

const PRIORITY = ["changedFields", "reasonCode", "reason", "ociUserOcid"];
/** Shown as the diff, not as plain entries. */
const DIFF_KEYS = ["before", "after"];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Old → new value of each field an update changed (recorded as `before` / `after` in the metadata). */
function ChangeDiff({ metadata }: { metadata: Record<string, unknown> }) {
  const { before, after } = metadata;
  if (!isRecord(before) || !isRecord(after)) return null;
  const fields = Object.keys(after);
  if (fields.length === 0) return <span className="muted small">Nothing changed</span>;
  return (
    <ul className="diff-list" aria-label="Changes">
      {fields.map((field) => (
        <li key={field}>
          {field}: <span className="diff-old">{describeValue(before[field] ?? null)}</span> →{" "}
          <span className="diff-new">{describeValue(after[field])}</span>
        </li>
      ))}
    </ul>
  );
}

function EventDetails({ event }: { event: AuditEvent }) {
  // What changed and why something failed first; then the rest, as stored.
  const entries = Object.entries(event.metadata)
    .filter(([key]) => !DIFF_KEYS.includes(key))
    .sort(([a], [b]) => Number(PRIORITY.includes(b)) - Number(PRIORITY.includes(a)));
  const shown = entries.slice(0, 4);
  return (
    <>
      <ChangeDiff metadata={event.metadata} />
      {shown.length > 0 ? (
        <ul className="meta-summary">
          {shown.map(([key, value]) => (
            <li key={key}>
              {key}: <b>{describeValue(value)}</b>
            </li>
          ))}
        </ul>
      ) : (
        <span className="muted small">No details</span>
      )}
      <details>
        <summary>All details</summary>
        <pre className="details-json">
          {JSON.stringify({ metadata: event.metadata, ipAddress: event.ipAddress, userAgent: event.userAgent, id: event.id }, null, 2)}
        </pre>
      </details>
    </>
  );
}

/** The export endpoint's query: the list's organization and filters under the API's names. */
function exportHref(organizationId: string | null, filters: AuditFilters, format: "csv" | "jsonl") {
  const params = new URLSearchParams({ format });
  if (organizationId) params.set("organizationId", organizationId);
  if (filters.eventType) params.set("eventType", filters.eventType);
  if (filters.actorId) params.set("actorId", filters.actorId);
  if (filters.targetIdentityId) params.set("targetIdentityId", filters.targetIdentityId);
  if (filters.startDate) params.set("startDate", filters.startDate);
  if (filters.endDate) params.set("endDate", filters.endDate);
  return `/api/v1/audit-logs/export?${params}`;
}

export function AuditView({ session }: { session: DashboardSession }) {
  const trpc = useTRPC();
  // Filters and page live in the URL: a reload keeps them, back/forward steps through them.
  const [params, setParams] = useUrlParams();
  const { filters, page } = auditStateFromParams(params);
  const [from, setFrom] = useState(toLocalInput(filters.startDate));
  const [to, setTo] = useState(toLocalInput(filters.endDate));
  useEffect(() => {
    // Back/forward: the range boxes follow the URL.
    setFrom(toLocalInput(filters.startDate));
    setTo(toLocalInput(filters.endDate));
  }, [filters.startDate, filters.endDate]);

  const rangeError = from && to && from > to ? "The start of the range must be before its end." : null;
  const input = auditListInput(session.organizationId, filters, page);
  const events = useQuery(trpc.audit.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const actors = useQuery(trpc.identities.list.queryOptions(actorChoicesInput(session.organizationId)));

  function apply(next: AuditFilters, nextPage = 0) {
    const query = new URLSearchParams(auditParamsFromState(next, nextPage));
    setParams({
      eventType: query.get("eventType") ?? undefined,
      actorId: query.get("actorId") ?? undefined,
      identity: query.get("identity") ?? undefined,
      from: query.get("from") ?? undefined,
      to: query.get("to") ?? undefined,
      page: query.get("page") ?? undefined,
    });
  }
  function setRange(nextFrom: string, nextTo: string) {
    setFrom(nextFrom);
    setTo(nextTo);
    if (nextFrom && nextTo && nextFrom > nextTo) return; // shown as an error; the list keeps the last valid range
    apply({ ...filters, startDate: fromLocalInput(nextFrom, false), endDate: fromLocalInput(nextTo, true) });
  }
  function clear() {
    setFrom("");
    setTo("");
    apply({});
  }

  const actorOptions = [
    { id: session.userId, label: `You (${session.email})` },
    ...(actors.data?.identities ?? []).map((identity) => ({ id: identity.id, label: `Identity: ${identity.name}` })),
  ];
  if (filters.actorId && !actorOptions.some((option) => option.id === filters.actorId)) {
    actorOptions.push({ id: filters.actorId, label: `ID ${filters.actorId}` });
  }
  const identityOptions = (actors.data?.identities ?? []).map((identity) => ({ id: identity.id, label: identity.name }));
  if (filters.targetIdentityId && !identityOptions.some((option) => option.id === filters.targetIdentityId)) {
    identityOptions.push({ id: filters.targetIdentityId, label: `ID ${filters.targetIdentityId}` });
  }
  const hasFilters = Boolean(filters.eventType || filters.actorId || filters.targetIdentityId || filters.startDate || filters.endDate);
  const rows = events.data?.events ?? [];
  const total = events.data?.totalCount ?? 0;

  return (
    <>
      <PageHeader title="Audit log" description="Every management action and every login, newest first. Times are in UTC." />
      <section className="card" aria-labelledby="audit-heading">
        <h2 id="audit-heading" className="sr-only">
          Audit events
        </h2>
        <form className="toolbar" role="search" aria-label="Filter audit events" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor="audit-event-type" className="label">
              Event type
            </label>
            <select
              id="audit-event-type"
              className="select"
              value={filters.eventType ?? ""}
              onChange={(event) => apply({ ...filters, eventType: (event.target.value || undefined) as AuditEventType | undefined })}
            >
              <option value="">All events</option>
              {auditEventTypes.map((type) => (
                <option key={type} value={type} title={type}>
                  {auditEventLabels[type]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-actor" className="label">
              Actor
            </label>
            <select
              id="audit-actor"
              className="select"
              value={filters.actorId ?? ""}
              onChange={(event) => apply({ ...filters, actorId: event.target.value || undefined })}
            >
              <option value="">Anyone</option>
              {actorOptions.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-identity" className="label">
              About identity
            </label>
            <select
              id="audit-identity"
              className="select"
              value={filters.targetIdentityId ?? ""}
              onChange={(event) => apply({ ...filters, targetIdentityId: event.target.value || undefined })}
            >
              <option value="">Any identity</option>
              {identityOptions.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-from" className="label">
              From (UTC)
            </label>
            <input
              id="audit-from"
              className="input"
              type="datetime-local"
              value={from}
              max={to || undefined}
              onChange={(event) => setRange(event.target.value, to)}
              aria-invalid={rangeError ? true : undefined}
              aria-describedby={rangeError ? "audit-range-error" : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="audit-to" className="label">
              To (UTC)
            </label>
            <input
              id="audit-to"
              className="input"
              type="datetime-local"
              value={to}
              min={from || undefined}
              onChange={(event) => setRange(from, event.target.value)}
              aria-invalid={rangeError ? true : undefined}
              aria-describedby={rangeError ? "audit-range-error" : undefined}
            />
          </div>
          <button type="button" className="btn btn-secondary" onClick={clear} disabled={!hasFilters && !from && !to}>
            Clear filters
          </button>
          <span className="toolbar-exports">
            <a className="btn btn-secondary" href={exportHref(session.organizationId, filters, "csv")} download>
              Export CSV
            </a>
            <a className="btn btn-secondary" href={exportHref(session.organizationId, filters, "jsonl")} download>
              Export JSON lines
            </a>
          </span>
          {rangeError ? (
            <p id="audit-range-error" className="field-error" style={{ flexBasis: "100%" }} role="alert">
              {rangeError}
            </p>
          ) : null}
          <div className="toolbar-status" aria-live="polite">
            {events.isFetching && !events.isPending ? (
              <Spinner label="Loading events" />
            ) : events.data ? (
              `${total.toLocaleString("en-US")} event${total === 1 ? "" : "s"}`
            ) : null}
          </div>
        </form>

        {events.isPending ? (
          <SkeletonRows rows={6} label="Loading audit events" />
        ) : events.isError && !events.data ? (
          <div className="card-body">
            <QueryError error={events.error} what="audit events" onRetry={() => events.refetch()} />
          </div>
        ) : rows.length === 0 ? (
          hasFilters ? (
            <EmptyState
              title="No events match these filters"
              action={
                <button type="button" className="btn btn-secondary" onClick={clear}>
                  Clear filters
                </button>
              }
            >
              <p>Widen the time range or choose another event type or actor.</p>
            </EmptyState>
          ) : (
            <EmptyState title="No events yet">
              <p>Events appear here as operators and workloads act: logins, identity changes, OCI auth changes and token revocations.</p>
            </EmptyState>
          )
        ) : (
          <>
            {events.isError ? (
              <div className="card-body">
                <QueryError error={events.error} what="the latest events" onRetry={() => events.refetch()} />
              </div>
            ) : null}
            <div className={`table-wrap${events.isPlaceholderData ? " table-busy" : ""}`}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Event</th>
                    <th scope="col">Actor</th>
                    <th scope="col">IP address</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((event) => (
                    <tr key={event.id}>
                      <td data-label="Time" style={{ whiteSpace: "nowrap" }}>
                        {formatDateTime(event.createdAt)}
                      </td>
                      <td className="col-primary" data-label="Event">
                        <span title={event.eventType}>
                          <Badge tone={eventTone(event.eventType)}>{auditEventLabel(event.eventType)}</Badge>
                        </span>
                        <div className="muted small mono">{event.eventType}</div>
                      </td>
                      <td data-label="Actor">
                        {event.actor.id ? (
                          <button
                            type="button"
                            className="link-button"
                            onClick={() => apply({ ...filters, actorId: event.actor.id ?? undefined })}
                            title="Show only this actor's events"
                          >
                            {event.actor.name ?? event.actor.id}
                          </button>
                        ) : (
                          <span className="muted">Anonymous</span>
                        )}
                        <div className="muted small">{event.actor.type}</div>
                      </td>
                      <td data-label="IP address" className="mono small">
                        {event.ipAddress ?? <span className="muted">—</span>}
                      </td>
                      <td data-label="Details">
                        <EventDetails event={event} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pagination
              offset={input.offset}
              limit={AUDIT_PAGE_SIZE}
              total={total}
              onPage={(p) => apply(filters, p)}
              label="Audit log"
              shown={rows.length}
              truncated={events.data?.truncated}
            />
          </>
        )}
      </section>
    </>
  );
}
