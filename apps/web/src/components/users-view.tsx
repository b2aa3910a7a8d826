"use client";

import type { OrgUserListItem } from "@ociauth/schema";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { DashboardSession } from "@/auth/session";
import { formatDateTime } from "./format";
import { OrganizationId } from "./organization-id";
import { canManageUser } from "./permissions";
import { QueryError } from "./query-error";
import { useTRPC } from "./trpc";
import { Alert, Badge, EmptyState, PageHeader, RoleBadge, SkeletonRows } from "./ui";
import { AddUserDialog, ChangeRoleDialog, RemoveUserDialog, ResetPasswordDialog } from "./user-dialogs";

export function UsersView({ session, organizationId }: { session: DashboardSession; organizationId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const list = useQuery(trpc.users.list.queryOptions({ organizationId }));
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<OrgUserListItem | null>(null);
  const [removing, setRemoving] = useState<OrgUserListItem | null>(null);
  const [resetting, setResetting] = useState<OrgUserListItem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const users = list.data?.users ?? [];
  const canAdd = canManageUser(session.role, "no-access", "add");

  const addButton = canAdd ? (
    <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
      Add user
    </button>
  ) : null;

  return (
    <>
      <PageHeader
        title="Users"
        description={
          <>
            People who sign in to this dashboard, with their role in the organization.{" "}
            <span className="meta-row">
              <OrganizationId organizationId={organizationId} />
            </span>
          </>
        }
        actions={addButton}
      />
      {notice ? (
        <Alert tone="success" role="status">
          {notice}
        </Alert>
      ) : null}
      {!canAdd ? <Alert tone="info">You have read-only access ({session.role}). Ask an admin to add or change users.</Alert> : null}
      <section className="card" aria-labelledby="users-heading">
        <h2 id="users-heading" className="sr-only">
          User list
        </h2>
        {list.isPending ? (
          <SkeletonRows label="Loading users" />
        ) : list.isError && !list.data ? (
          <div className="card-body">
            <QueryError error={list.error} what="users" onRetry={() => list.refetch()} />
          </div>
        ) : users.length === 0 ? (
          <EmptyState title="No users" action={addButton} />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Added</th>
                  <th scope="col" className="col-actions">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((user) => {
                  const isMe = user.id === session.userId;
                  return (
                    <tr key={user.id} data-user-email={user.email}>
                      <td className="col-primary" data-label="Email">
                        {user.email} {isMe ? <Badge tone="info">You</Badge> : null}
                        <div className="muted small mono" title="User ID">
                          {user.id}
                        </div>
                      </td>
                      <td data-label="Role">
                        <RoleBadge role={user.role} />
                      </td>
                      <td data-label="Added">{formatDateTime(user.createdAt)}</td>
                      <td className="col-actions" data-label="Actions">
                        <span className="row-actions">
                          {canManageUser(session.role, user.role, "edit") ? (
                            <button
                              type="button"
                              className="btn btn-secondary btn-sm"
                              onClick={() => setChanging(user)}
                              aria-label={`Change role of ${user.email}`}
                            >
                              Change role
                            </button>
                          ) : null}
                          {!isMe && canManageUser(session.role, user.role, "reset-password") ? (
                            <button
                              type="button"
                              className="btn btn-secondary btn-sm"
                              onClick={() => setResetting(user)}
                              aria-label={`Reset password of ${user.email}`}
                            >
                              Reset password
                            </button>
                          ) : null}
                          {canManageUser(session.role, user.role, "remove") ? (
                            <button
                              type="button"
                              className="btn btn-danger-outline btn-sm"
                              onClick={() => setRemoving(user)}
                              aria-label={`Remove ${user.email}`}
                            >
                              Remove
                            </button>
                          ) : null}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canAdd ? (
        <AddUserDialog
          open={adding}
          onClose={() => setAdding(false)}
          organizationId={organizationId}
          actorRole={session.role}
          onAdded={(email) => {
            setAdding(false);
            setNotice(`Added ${email}. They can sign in now with the password you set.`);
          }}
        />
      ) : null}
      <ChangeRoleDialog
        user={changing}
        organizationId={organizationId}
        actorRole={session.role}
        onClose={() => setChanging(null)}
        onSaved={(saved) => {
          const self = changing?.id === session.userId;
          setChanging(null);
          setNotice(`${saved.email} is now ${saved.role}.`);
          if (self) router.refresh(); // the header shows the signed-in user's role
        }}
      />
      <RemoveUserDialog
        user={removing}
        organizationId={organizationId}
        onClose={() => setRemoving(null)}
        onRemoved={(email) => {
          const self = removing?.id === session.userId;
          setRemoving(null);
          setNotice(`Removed ${email}; their sessions have ended.`);
          if (self) router.refresh();
        }}
      />
      <ResetPasswordDialog
        user={resetting}
        organizationId={organizationId}
        onClose={() => setResetting(null)}
        onReset={(email) => {
          setResetting(null);
          setNotice(`Password of ${email} reset; their sessions have ended.`);
        }}
      />
    </>
  );
}
