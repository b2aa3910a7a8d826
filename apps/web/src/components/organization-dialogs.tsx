"use client";

import { createOrganizationBodySchema, type OrganizationListEntry, updateOrganizationInputSchema } from "@ociauth/schema";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Modal } from "./dialog";
import { DialogActions, FormAlert, useSchemaForm } from "./schema-form";
import { useTRPC } from "./trpc";
import { Field } from "./ui";

const SLUG_HINT =
  "Lowercase letters, digits and hyphens. Infisical clients name the organization by it (INFISICAL_AUTH_ORGANIZATION_SLUG).";

/** After a change the list and the header's switcher (rendered by the server) show it. */
function useRefreshOrganizations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  return async () => {
    await queryClient.invalidateQueries(trpc.organizations.list.queryFilter());
    router.refresh();
  };
}

function NameAndSlugFields({
  prefix,
  name,
  slug,
  onName,
  onSlug,
  errors,
  slugHint,
}: {
  prefix: string;
  name: string;
  slug: string;
  onName: (value: string) => void;
  onSlug: (value: string) => void;
  errors: Record<string, string | undefined>;
  slugHint: string;
}) {
  return (
    <>
      <Field id={`${prefix}-name`} label="Name" error={errors.name}>
        {(p) => (
          <input {...p} name="name" className="input" value={name} onChange={(e) => onName(e.target.value)} autoFocus autoComplete="off" />
        )}
      </Field>
      <Field id={`${prefix}-slug`} label="Slug" hint={slugHint} error={errors.slug}>
        {(p) => (
          <input {...p} name="slug" className="input mono" value={slug} onChange={(e) => onSlug(e.target.value)} autoComplete="off" />
        )}
      </Field>
    </>
  );
}

export function CreateOrganizationDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (name: string) => void;
}) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Create organization"
      description="You become its admin. Switch to it with the organization menu in the header."
    >
      <CreateOrganizationForm onCancel={onClose} onCreated={onCreated} />
    </Modal>
  );
}

function CreateOrganizationForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (name: string) => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshOrganizations();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const create = useMutation(
    trpc.organizations.create.mutationOptions({
      onSuccess: async ({ organization }) => {
        await refresh();
        onCreated(organization.name);
      },
    }),
  );
  const values = slug.trim() === "" ? { name } : { name, slug };
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(createOrganizationBodySchema, values, create);
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form-stack" data-testid="create-organization-form">
      <FormAlert error={serverError} />
      <NameAndSlugFields
        prefix="create-org"
        name={name}
        slug={slug}
        onName={setName}
        onSlug={setSlug}
        errors={errors}
        slugHint={`Optional: made from the name when empty. ${SLUG_HINT}`}
      />
      <DialogActions onCancel={onCancel} pending={create.isPending} label="Create organization" pendingLabel="Creating…" />
    </form>
  );
}

export function EditOrganizationDialog({
  organization,
  onClose,
  onSaved,
}: {
  organization: OrganizationListEntry | null;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  return (
    <Modal
      open={organization !== null}
      onClose={onClose}
      title="Edit organization"
      description="A new slug applies at once: logins naming the old one are refused."
    >
      {organization ? (
        <EditOrganizationForm key={organization.id} organization={organization} onCancel={onClose} onSaved={onSaved} />
      ) : null}
    </Modal>
  );
}

function EditOrganizationForm({
  organization,
  onCancel,
  onSaved,
}: {
  organization: OrganizationListEntry;
  onCancel: () => void;
  onSaved: (name: string) => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshOrganizations();
  const [name, setName] = useState(organization.name);
  const [slug, setSlug] = useState(organization.slug);
  const update = useMutation(
    trpc.organizations.update.mutationOptions({
      onSuccess: async ({ organization: saved }) => {
        await refresh();
        onSaved(saved.name);
      },
    }),
  );
  const values = {
    organizationId: organization.id,
    ...(name !== organization.name ? { name } : {}),
    ...(slug !== organization.slug ? { slug } : {}),
  };
  const unchanged = name === organization.name && slug === organization.slug;
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(updateOrganizationInputSchema, values, update, { skip: unchanged });
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form-stack" data-testid="edit-organization-form">
      <FormAlert error={serverError} />
      <NameAndSlugFields prefix="edit-org" name={name} slug={slug} onName={setName} onSlug={setSlug} errors={errors} slugHint={SLUG_HINT} />
      <DialogActions onCancel={onCancel} pending={update.isPending} label="Save" pendingLabel="Saving…" disabled={unchanged} />
    </form>
  );
}
