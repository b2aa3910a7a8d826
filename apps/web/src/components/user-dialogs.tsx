"use client";

import {
  addOrgUserInputSchema,
  type OrgRole,
  type OrgUserListItem,
  resetUserPasswordInputSchema,
  updateOrgUserRoleInputSchema,
} from "@ociauth/schema";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog, Modal } from "./dialog";
import { errorInfo } from "./errors";
import { DialogActions, FormAlert, PasswordField, RoleField, useSchemaForm } from "./schema-form";
import { useTRPC } from "./trpc";
import { Field } from "./ui";

const ROLE_HINT = "Admin: everything, including users. Member: identities, and users up to member. Viewer: read only.";

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
  const add = useMutation(
    trpc.users.add.mutationOptions({
      onSuccess: async ({ user }) => {
        await invalidate();
        onAdded(user.email);
      },
    }),
  );
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(addOrgUserInputSchema, { organizationId, email, password, role }, add);

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form-stack">
      <FormAlert error={serverError} />
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
      <PasswordField
        id="add-user-password"
        label="Initial password"
        hint="At least 12 characters."
        error={errors.password}
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
      />
      <RoleField id="add-user-role" hint={ROLE_HINT} error={errors.role} value={role} onChange={setRole} actorRole={actorRole} />
      <DialogActions onCancel={onCancel} pending={add.isPending} label="Add user" pendingLabel="Adding…" />
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
  const unchanged = role === user.role;
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(
    updateOrgUserRoleInputSchema,
    { organizationId, userId: user.id, role },
    update,
    { skip: unchanged },
  );

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form-stack">
      <FormAlert error={serverError} />
      <RoleField
        id="change-role-role"
        hint={`${ROLE_HINT} The new role applies from the user's next request.`}
        error={errors.role}
        value={role}
        onChange={setRole}
        actorRole={actorRole}
      />
      <DialogActions onCancel={onCancel} pending={update.isPending} disabled={unchanged} label="Save role" pendingLabel="Saving…" />
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
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: () => onReset(user.email) }));
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(
    resetUserPasswordInputSchema,
    { organizationId, userId: user.id, newPassword },
    reset,
  );

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form-stack">
      <FormAlert error={serverError} />
      <PasswordField
        id="reset-password-new"
        label="New password"
        hint="At least 12 characters."
        error={errors.newPassword}
        value={newPassword}
        onChange={setNewPassword}
        autoComplete="new-password"
        autoFocus
      />
      <DialogActions onCancel={onCancel} pending={reset.isPending} label="Reset password" pendingLabel="Resetting…" />
    </form>
  );
}
