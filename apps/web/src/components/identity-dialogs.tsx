"use client";

import { createIdentityInputSchema, type Identity, type OrgRole, updateIdentityInputSchema } from "@ociauth/schema";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Modal } from "./dialog";
import { errorInfo } from "./errors";
import { DialogActions, FormAlert, RoleField, useSchemaForm } from "./schema-form";
import { useTRPC } from "./trpc";
import { Field } from "./ui";

const ROLE_HINT = "Admin: everything. Member: create and edit identities and their auth. Viewer: read only.";

export function CreateIdentityDialog({
  open,
  onClose,
  organizationId,
  actorRole,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  organizationId: string;
  actorRole: OrgRole;
  onCreated: (identity: Identity) => void;
}) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Create machine identity"
      description="A machine identity is how a workload, CI job or service authenticates. Attach OCI auth to it next."
    >
      <CreateIdentityForm organizationId={organizationId} actorRole={actorRole} onCancel={onClose} onCreated={onCreated} />
    </Modal>
  );
}

function CreateIdentityForm({
  organizationId,
  actorRole,
  onCancel,
  onCreated,
}: {
  organizationId: string;
  actorRole: OrgRole;
  onCancel: () => void;
  onCreated: (identity: Identity) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<OrgRole>("member");
  const create = useMutation(
    trpc.identities.create.mutationOptions({
      onSuccess: async ({ identity }) => {
        await queryClient.invalidateQueries(trpc.identities.list.queryFilter());
        onCreated(identity);
      },
    }),
  );
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(createIdentityInputSchema, { name, organizationId, role }, create);

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form-stack">
      <FormAlert error={serverError} />
      <Field id="create-identity-name" label="Name" hint="Up to 64 characters, e.g. ci-runner or billing-service." error={errors.name}>
        {(p) => <input {...p} className="input" value={name} onChange={(e) => setName(e.target.value)} autoFocus autoComplete="off" />}
      </Field>
      <RoleField id="create-identity-role" hint={ROLE_HINT} error={errors.role} value={role} onChange={setRole} actorRole={actorRole} />
      <DialogActions onCancel={onCancel} pending={create.isPending} label="Create identity" pendingLabel="Creating…" />
    </form>
  );
}

export function EditIdentityDialog({
  identity,
  actorRole,
  onClose,
  onSaved,
}: {
  identity: Identity | null;
  actorRole: OrgRole;
  onClose: () => void;
  onSaved: (identity: Identity) => void;
}) {
  return (
    <Modal open={identity !== null} onClose={onClose} title={identity ? `Edit ${identity.name}` : "Edit identity"}>
      {identity ? <EditIdentityForm identity={identity} actorRole={actorRole} onCancel={onClose} onSaved={onSaved} /> : null}
    </Modal>
  );
}

function EditIdentityForm({
  identity,
  actorRole,
  onCancel,
  onSaved,
}: {
  identity: Identity;
  actorRole: OrgRole;
  onCancel: () => void;
  onSaved: (identity: Identity) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(identity.name);
  const [role, setRole] = useState<OrgRole>(identity.role);
  const update = useMutation(
    trpc.identities.update.mutationOptions({
      onSuccess: async (data) => {
        queryClient.setQueryData(trpc.identities.get.queryKey({ identityId: identity.id }), data);
        await queryClient.invalidateQueries(trpc.identities.list.queryFilter());
        onSaved(data.identity);
      },
    }),
  );
  const patch = { ...(name !== identity.name ? { name } : {}), ...(role !== identity.role ? { role } : {}) };
  const unchanged = Object.keys(patch).length === 0;
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(
    updateIdentityInputSchema,
    { identityId: identity.id, ...patch },
    update,
    {
      skip: unchanged,
    },
  );

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form-stack">
      <FormAlert error={serverError} />
      <Field id="edit-identity-name" label="Name" error={errors.name}>
        {(p) => <input {...p} className="input" value={name} onChange={(e) => setName(e.target.value)} autoFocus autoComplete="off" />}
      </Field>
      <RoleField id="edit-identity-role" hint={ROLE_HINT} error={errors.role} value={role} onChange={setRole} actorRole={actorRole} />
      <DialogActions onCancel={onCancel} pending={update.isPending} disabled={unchanged} label="Save changes" pendingLabel="Saving…" />
    </form>
  );
}

export function DeleteIdentityDialog({
  identity,
  onClose,
  onDeleted,
}: {
  identity: Identity | null;
  onClose: () => void;
  onDeleted: (identity: Identity) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.identities.delete.mutationOptions({
      onSuccess: async ({ identity: deleted }) => {
        queryClient.removeQueries(trpc.identities.get.queryFilter({ identityId: deleted.id }));
        await queryClient.invalidateQueries(trpc.identities.list.queryFilter());
        onDeleted(deleted);
      },
    }),
  );
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal
      open={identity !== null}
      onClose={close}
      busy={remove.isPending}
      title={identity ? `Delete ${identity.name}?` : "Delete identity?"}
      description={
        <>
          <p>
            This permanently deletes the identity, its OCI auth configuration and every access token issued to it. Workloads using it stop
            working immediately. This cannot be undone.
          </p>
          {identity?.hasDeleteProtection ? <p>Delete protection is on for this identity: turn it off on the identity page first.</p> : null}
        </>
      }
    >
      {identity ? (
        <DeleteIdentityForm
          name={identity.name}
          pending={remove.isPending}
          error={remove.error ? errorInfo(remove.error).message : null}
          onCancel={close}
          onConfirm={() => remove.mutate({ identityId: identity.id })}
        />
      ) : null}
    </Modal>
  );
}

/** Deleting asks for the identity's name, typed exactly: the button stays disabled until it matches. */
function DeleteIdentityForm({
  name,
  pending,
  error,
  onCancel,
  onConfirm,
}: {
  name: string;
  pending: boolean;
  error: string | null;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const [typed, setTyped] = useState("");
  const matches = typed === name;
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (matches && !pending) onConfirm();
  }
  return (
    <form onSubmit={onSubmit} noValidate className="form-stack">
      {error ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      <Field
        id="delete-identity-confirm"
        label={
          <>
            Type <strong className="confirm-name">{name}</strong> to confirm
          </>
        }
      >
        {(p) => (
          <input
            {...p}
            className="input"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            disabled={pending}
          />
        )}
      </Field>
      <DialogActions onCancel={onCancel} pending={pending} disabled={!matches} danger label="Delete identity" pendingLabel="Deleting…" />
    </form>
  );
}
