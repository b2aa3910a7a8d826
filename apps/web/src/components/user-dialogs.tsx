"use client";

import {
  addOrgUserInputSchema,
  type OrgRole,
  type OrgUserListItem,
  resetUserPasswordInputSchema,
  updateOrgUserRoleInputSchema,
} from "@ociauth/schema";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmDialog, Modal } from "./dialog";
import { errorInfo, issuesByField } from "./errors";
import { ROLE_LABELS } from "./format";
import { assignableRoles } from "./permissions";
import { useTRPC } from "./trpc";
import { Alert, Field } from "./ui";

const ROLE_HINT = "Admin: everything, including users. Member: identities, and users up to member. Viewer: read only.";

function RoleSelect({
  value,
  onChange,
  actorRole,
  props,
}: {
  value: OrgRole;
  onChange: (role: OrgRole) => void;
  actorRole: OrgRole;
  props: object;
}) {
  return (
    <select {...props} className="select" value={value} onChange={(event) => onChange(event.target.value as OrgRole)}>
      {assignableRoles(actorRole).map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </select>
  );
}

/** The list query's key for every organization: a change to one user refreshes it. */
function useInvalidateUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.users.list.queryFilter());
}

export function AddUserDialog({
  open,
  onClose,
  organizationId,
  actorRole,
  onAdded,
}: {
  open: boolean;
  onClose: () => void;
  organizationId: string;
  actorRole: OrgRole;
  onAdded: (email: string) => void;
}) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Add user"
      description="Users sign in to this dashboard with their email and password. Give them the password through a safe channel."
    >
      <AddUserForm organizationId={organizationId} actorRole={actorRole} onCancel={onClose} onAdded={onAdded} />
    </Modal>
  );
}

function AddUserForm({
  organizationId,
  actorRole,
  onCancel,
  onAdded,
}: {
  organizationId: string;
  actorRole: OrgRole;
  onCancel: () => void;
  onAdded: (email: string) => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<OrgRole>("viewer");
  const [submitted, setSubmitted] = useState(false);
  const add = useMutation(
    trpc.users.add.mutationOptions({
      onSuccess: async ({ user }) => {
        await invalidate();
        onAdded(user.email);
      },
    }),
  );
  const parsed = addOrgUserInputSchema.safeParse({ organizationId, email, password, role });
  const serverError = add.error ? errorInfo(add.error) : null;
  const errors = {
    ...(serverError ? issuesByField(serverError.issues) : {}),
    ...(submitted && !parsed.success ? issuesByField(parsed.error.issues) : {}),
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (parsed.success) add.mutate(parsed.data);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form-stack">
      {serverError && serverError.issues.length === 0 ? <Alert tone="danger">{serverError.message}</Alert> : null}
      <Field id="add-user-email" label="Email" error={errors.email}>
        {(p) => (
          <input
            {...p}
            className="input"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
            autoComplete="off"
          />
        )}
      </Field>
      <Field id="add-user-password" label="Initial password" hint="At least 12 characters." error={errors.password}>
        {(p) => (
          <input
            {...p}
            className="input"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
          />
        )}
      </Field>
      <Field id="add-user-role" label="Role in the organization" hint={ROLE_HINT} error={errors.role}>
        {(p) => <RoleSelect props={p} value={role} onChange={setRole} actorRole={actorRole} />}
      </Field>
      <div className="modal-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add user"}
        </button>
      </div>
    </form>
  );
}

export function ChangeRoleDialog({
  user,
  organizationId,
  actorRole,
  onClose,
  onSaved,
}: {
  user: OrgUserListItem | null;
  organizationId: string;
  actorRole: OrgRole;
  onClose: () => void;
  onSaved: (user: { email: string; role: OrgRole }) => void;
}) {
  return (
    <Modal open={user !== null} onClose={onClose} title={user ? `Change the role of ${user.email}` : "Change role"}>
      {user ? (
        <ChangeRoleForm user={user} organizationId={organizationId} actorRole={actorRole} onCancel={onClose} onSaved={onSaved} />
      ) : null}
    </Modal>
  );
}

function ChangeRoleForm({
  user,
  organizationId,
  actorRole,
  onCancel,
  onSaved,
}: {
  user: OrgUserListItem;
  organizationId: string;
  actorRole: OrgRole;
  onCancel: () => void;
  onSaved: (user: { email: string; role: OrgRole }) => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const [role, setRole] = useState<OrgRole>(user.role);
  const update = useMutation(
    trpc.users.updateRole.mutationOptions({
      onSuccess: async ({ user: saved }) => {
        await invalidate();
        onSaved(saved);
      },
    }),
  );
  const parsed = updateOrgUserRoleInputSchema.safeParse({ organizationId, userId: user.id, role });
  const serverError = update.error ? errorInfo(update.error) : null;
  const unchanged = role === user.role;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (parsed.success && !unchanged) update.mutate(parsed.data);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form-stack">
      {serverError ? <Alert tone="danger">{serverError.message}</Alert> : null}
      <Field
        id="change-role-role"
        label="Role in the organization"
        hint={`${ROLE_HINT} The new role applies from the user's next request.`}
      >
        {(p) => <RoleSelect props={p} value={role} onChange={setRole} actorRole={actorRole} />}
      </Field>
      <div className="modal-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={update.isPending || unchanged}>
          {update.isPending ? "Saving…" : "Save role"}
        </button>
      </div>
    </form>
  );
}

export function RemoveUserDialog({
  user,
  organizationId,
  onClose,
  onRemoved,
}: {
  user: OrgUserListItem | null;
  organizationId: string;
  onClose: () => void;
  onRemoved: (email: string) => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const remove = useMutation(
    trpc.users.remove.mutationOptions({
      onSuccess: async ({ user: removed }) => {
        await invalidate();
        onRemoved(removed.email);
      },
    }),
  );
  return (
    <ConfirmDialog
      open={user !== null}
      title={user ? `Remove ${user.email}?` : "Remove user?"}
      confirmLabel="Remove user"
      pendingLabel="Removing…"
      pending={remove.isPending}
      error={remove.error ? errorInfo(remove.error).message : null}
      onCancel={() => {
        remove.reset();
        onClose();
      }}
      onConfirm={() => user && remove.mutate({ organizationId, userId: user.id })}
    >
      <p>
        The user loses access to this organization at once: every session they have is ended. Their past actions stay in the audit log. To
        let them back in, add them again.
      </p>
    </ConfirmDialog>
  );
}

export function ResetPasswordDialog({
  user,
  organizationId,
  onClose,
  onReset,
}: {
  user: OrgUserListItem | null;
  organizationId: string;
  onClose: () => void;
  onReset: (email: string) => void;
}) {
  return (
    <Modal
      open={user !== null}
      onClose={onClose}
      title={user ? `Reset the password of ${user.email}` : "Reset password"}
      description="Their sessions end: they sign in again with the new password. Give it to them through a safe channel."
    >
      {user ? <ResetPasswordForm user={user} organizationId={organizationId} onCancel={onClose} onReset={onReset} /> : null}
    </Modal>
  );
}

function ResetPasswordForm({
  user,
  organizationId,
  onCancel,
  onReset,
}: {
  user: OrgUserListItem;
  organizationId: string;
  onCancel: () => void;
  onReset: (email: string) => void;
}) {
  const trpc = useTRPC();
  const [newPassword, setNewPassword] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: () => onReset(user.email) }));
  const parsed = resetUserPasswordInputSchema.safeParse({ organizationId, userId: user.id, newPassword });
  const serverError = reset.error ? errorInfo(reset.error) : null;
  const errors = {
    ...(serverError ? issuesByField(serverError.issues) : {}),
    ...(submitted && !parsed.success ? issuesByField(parsed.error.issues) : {}),
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (parsed.success) reset.mutate(parsed.data);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form-stack">
      {serverError && serverError.issues.length === 0 ? <Alert tone="danger">{serverError.message}</Alert> : null}
      <Field id="reset-password-new" label="New password" hint="At least 12 characters." error={errors.newPassword}>
        {(p) => (
          <input
            {...p}
            className="input"
            type="password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            autoFocus
            autoComplete="new-password"
          />
        )}
      </Field>
      <div className="modal-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={reset.isPending}>
          {reset.isPending ? "Resetting…" : "Reset password"}
        </button>
      </div>
    </form>
  );
}
