"use client";

import type { Identity } from "@ociauth/schema";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { DashboardSession } from "@/auth/session";
import { DeleteProtectionBadge } from "./delete-protection";
import { formatDateTime } from "./format";
import { useDebounced } from "./hooks";
import { CreateIdentityDialog, DeleteIdentityDialog, EditIdentityDialog } from "./identity-dialogs";
import { Pagination } from "./pagination";
import { canCreateIdentities, canManage } from "./permissions";
import { IDENTITY_PAGE_SIZE, identitiesListInput, identitiesStateFromParams } from "./query-inputs";
import { QueryError } from "./query-error";
import { useTRPC } from "./trpc";
import { Alert, Badge, EmptyState, PageHeader, RoleBadge, SkeletonRows, Spinner } from "./ui";
import { useUrlParams } from "./url-state";

const AUTH_METHOD_LABELS: Record<Identity["authMethods"][number], string> = {
  "oci-auth": "OCI auth",
  "token-auth": "Token Auth",
  token: "Token",
};

export function AuthMethods({ methods }: { methods: Identity["authMethods"] }) {
  if (methods.length === 0) return <span className="muted">None</span>;
  return (
    <span className="chip-list">
      {methods.map((method) => (
        <Badge key={method} tone="success">
          {AUTH_METHOD_LABELS[method]}
        </Badge>
      ))}
    </span>
  );
}

export function IdentitiesView({ session }: { session: DashboardSession }) {
  const trpc = useTRPC();
  const router = useRouter();
  // The URL holds the applied search and the page (a reload or back/forward shows the same list);
  // the box holds what is being typed, applied once typing pauses.
  const [params, setParams] = useUrlParams();
  const { search: applied, page } = identitiesStateFromParams(params);
  const [search, setSearch] = useState(applied);
  const debounced = useDebounced(search.trim(), 300);
  // The search this view itself wrote to the URL (its echo must not reset the box while typing goes on).
  const written = useRef<string | null>(null);
  useEffect(() => {
    if (debounced !== search.trim() || debounced === applied) return; // still typing, or nothing new
    written.current = debounced;
    setParams({ q: debounced, page: undefined }, "replace");
  }, [debounced]);
  useEffect(() => {
    const own = written.current === applied;
    written.current = null;
    // Back/forward (or a link) changed the search: the box follows.
    if (!own && applied !== search.trim()) setSearch(applied);
  }, [applied]);
  const setPage = (next: number, mode: "push" | "replace" = "push") => setParams({ page: next > 0 ? String(next + 1) : undefined }, mode);
  const input = identitiesListInput(session.organizationId, applied, page);
  const list = useQuery(trpc.identities.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Identity | null>(null);
  const [deleting, setDeleting] = useState<Identity | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const canCreate = canCreateIdentities(session.role) && session.organizationId !== null;
  const identities = list.data?.identities ?? [];
  const total = list.data?.totalCount ?? 0;
  const searching = search.trim() !== applied || (list.isFetching && list.isPlaceholderData);

  const createButton = canCreate ? (
    <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
      Create identity
    </button>
  ) : null;

  return (
    <>
      <PageHeader
        title="Machine identities"
        description="Workloads, CI jobs and services authenticate as machine identities. Attach OCI auth to let them log in with an OCI API key."
        actions={createButton}
      />
      {notice ? (
        <Alert tone="success" role="status">
          {notice}
        </Alert>
      ) : null}
      {!canCreateIdentities(session.role) ? (
        <Alert tone="info">You have read-only access ({session.role}). Ask an admin to change identities.</Alert>
      ) : null}
      <section className="card" aria-labelledby="identities-heading">
        <h2 id="identities-heading" className="sr-only">
          Identity list
        </h2>
        <div className="toolbar" role="search">
          <div className="field field-search">
            <label htmlFor="identity-search" className="label">
              Search by name
            </label>
            <input
              id="identity-search"
              className="input"
              type="search"
              value={search}
              placeholder="e.g. ci-runner"
              autoComplete="off"
              onChange={(event) => setSearch(event.target.value)}
            />
          </div>
          <div className="toolbar-status" aria-live="polite">
            {searching ? (
              <Spinner label="Searching" />
            ) : list.data ? (
              `${total.toLocaleString("en-US")} ${total === 1 ? "identity" : "identities"}`
            ) : null}
          </div>
        </div>
        {list.isPending ? (
          <SkeletonRows label="Loading identities" />
        ) : list.isError && !list.data ? (
          <div className="card-body">
            <QueryError error={list.error} what="identities" onRetry={() => list.refetch()} />
          </div>
        ) : identities.length === 0 ? (
          applied ? (
            <EmptyState
              title={`No identities match “${applied}”`}
              action={
                <button type="button" className="btn btn-secondary" onClick={() => setSearch("")}>
                  Clear search
                </button>
              }
            >
              <p>Names are matched case-insensitively, anywhere in the name.</p>
            </EmptyState>
          ) : (
            <EmptyState title="No machine identities yet" action={createButton}>
              <p>Create one for each workload that should authenticate, then attach OCI auth to it.</p>
            </EmptyState>
          )
        ) : (
          <>
            {list.isError ? (
              <div className="card-body">
                <QueryError error={list.error} what="the latest identities" onRetry={() => list.refetch()} />
              </div>
            ) : null}
            <div className={`table-wrap${list.isPlaceholderData ? " table-busy" : ""}`}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Auth methods</th>
                    <th scope="col">Created</th>
                    <th scope="col" className="col-actions">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {identities.map((identity) => (
                    <tr key={identity.id}>
                      <td className="col-primary" data-label="Name">
                        <Link className="name-link" href={`/identities/${identity.id}`}>
                          {identity.name}
                        </Link>{" "}
                        <DeleteProtectionBadge identity={identity} />
                        <div className="muted small mono" title="Identity ID">
                          {identity.id}
                        </div>
                      </td>
                      <td data-label="Role">
                        <RoleBadge role={identity.role} />
                      </td>
                      <td data-label="Auth methods">
                        <AuthMethods methods={identity.authMethods} />
                      </td>
                      <td data-label="Created">{formatDateTime(identity.createdAt)}</td>
                      <td className="col-actions" data-label="Actions">
                        <span className="row-actions">
                          {canManage(session.role, identity.role, "edit") ? (
                            <button
                              type="button"
                              className="btn btn-secondary btn-sm"
                              onClick={() => setEditing(identity)}
                              aria-label={`Edit ${identity.name}`}
                            >
                              Edit
                            </button>
                          ) : null}
                          {canManage(session.role, identity.role, "delete") ? (
                            <button
                              type="button"
                              className="btn btn-danger-outline btn-sm"
                              onClick={() => setDeleting(identity)}
                              aria-label={`Delete ${identity.name}`}
                            >
                              Delete
                            </button>
                          ) : null}
                          <Link href={`/identities/${identity.id}`} className="btn btn-ghost btn-sm" aria-label={`Open ${identity.name}`}>
                            Open
                          </Link>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pagination
              offset={input.offset}
              limit={IDENTITY_PAGE_SIZE}
              total={total}
              onPage={setPage}
              label="Identity list"
              shown={identities.length}
              truncated={list.data?.truncated}
            />
          </>
        )}
      </section>

      {canCreate && session.organizationId ? (
        <CreateIdentityDialog
          open={creating}
          onClose={() => setCreating(false)}
          organizationId={session.organizationId}
          actorRole={session.role}
          onCreated={(identity) => {
            setCreating(false);
            router.push(`/identities/${identity.id}?created=1`);
          }}
        />
      ) : null}
      <EditIdentityDialog
        identity={editing}
        actorRole={session.role}
        onClose={() => setEditing(null)}
        onSaved={(identity) => {
          setEditing(null);
          setNotice(`Saved ${identity.name}.`);
        }}
      />
      <DeleteIdentityDialog
        identity={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(identity) => {
          setDeleting(null);
          setNotice(`Deleted ${identity.name}.`);
          if (identities.length === 1 && page > 0) setPage(page - 1, "replace");
        }}
      />
    </>
  );
}
