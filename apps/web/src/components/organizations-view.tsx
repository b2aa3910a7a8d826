"use client";

import type { OrganizationListEntry } from "@ociauth/schema";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { DashboardSession } from "@/auth/session";
import { formatDateTime } from "./format";
import { CreateOrganizationDialog, EditOrganizationDialog } from "./organization-dialogs";
import { QueryError } from "./query-error";
import { useTRPC } from "./trpc";
import { Alert, Badge, EmptyState, PageHeader, RoleBadge, SkeletonRows } from "./ui";

/** The user's organizations: create one (any user, who becomes its admin); admins rename one or change its slug. */
export function OrganizationsView({ session }: { session: DashboardSession }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.organizations.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<OrganizationListEntry | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const organizations = list.data?.organizations ?? [];

  const createButton = (
    <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
      Create organization
    </button>
  );

  return (
    <>
      <PageHeader
        title="Organizations"
        description="Every organization has its own identities, users and audit log. Choose the one the dashboard shows in the header."
        actions={createButton}
      />
      {notice ? (
        <Alert tone="success" role="status">
          {notice}
        </Alert>
      ) : null}
      <section className="card" aria-labelledby="organizations-heading">
        <h2 id="organizations-heading" className="sr-only">
          Organization list
        </h2>
        {list.isPending ? (
          <SkeletonRows label="Loading organizations" />
        ) : list.isError && !list.data ? (
          <div className="card-body">
            <QueryError error={list.error} what="organizations" onRetry={() => list.refetch()} />
          </div>
        ) : organizations.length === 0 ? (
          <EmptyState title="You belong to no organization" action={createButton} />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Slug</th>
                  <th scope="col">Your role</th>
                  <th scope="col">Created</th>
                  <th scope="col" className="col-actions">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {organizations.map((org) => (
                  <tr key={org.id} data-testid="organization-row" data-organization-slug={org.slug}>
                    <td className="col-primary" data-label="Name">
                      {org.name} {org.id === session.organizationId ? <Badge tone="info">Shown</Badge> : null}
                      <div className="muted small mono" title="Organization ID">
                        {org.id}
                      </div>
                    </td>
                    <td className="mono" data-label="Slug">
                      {org.slug}
                    </td>
                    <td data-label="Your role">
                      <RoleBadge role={org.userRole} />
                    </td>
                    <td data-label="Created">{formatDateTime(org.createdAt)}</td>
                    <td className="col-actions" data-label="Actions">
                      {org.userRole === "admin" ? (
                        <button
                          type="button"
                          className="btn btn-secondary btn-sm"
                          onClick={() => setEditing(org)}
                          aria-label={`Edit ${org.name}`}
                        >
                          Edit
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <CreateOrganizationDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(name) => {
          setCreating(false);
          setNotice(`Organization ${name} created. Choose it in the header to work in it.`);
        }}
      />
      <EditOrganizationDialog
        organization={editing}
        onClose={() => setEditing(null)}
        onSaved={(name) => {
          setEditing(null);
          setNotice(`Organization ${name} saved.`);
        }}
      />
    </>
  );
}
