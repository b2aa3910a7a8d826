"use client";

import { type Identity, MAX_ALLOWED_AUDIENCES, updateIdentityInputSchema } from "@ociauth/schema";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FormAlert, useSchemaForm } from "./schema-form";
import { useTRPC } from "./trpc";
import { Alert, Field } from "./ui";

interface Row {
  id: number;
  value: string;
}

let nextRowId = 0;
const toRows = (audiences: readonly string[]): Row[] => audiences.map((value) => ({ id: nextRowId++, value }));

function AudienceList({ audiences }: { audiences: readonly string[] }) {
  if (audiences.length === 0) return <p className="muted">None: its tokens are only for this service.</p>;
  return (
    <ul className="chip-list" aria-label="Allowed audiences">
      {audiences.map((audience) => (
        <li key={audience} className="chip">
          {audience}
        </li>
      ))}
    </ul>
  );
}

/**
 * The audiences a login may ask this identity's tokens for, edited as one list and saved through
 * the identity update (validated by its own schema, so the messages are the API's).
 */
function AllowedAudiencesForm({ identity }: { identity: Identity }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState(() => toRows(identity.allowedAudiences));
  const [added, setAdded] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const update = useMutation(
    trpc.identities.update.mutationOptions({
      onSuccess: async (data) => {
        queryClient.setQueryData(trpc.identities.get.queryKey({ identityId: identity.id }), data);
        setRows(toRows(data.identity.allowedAudiences));
        setAdded(null);
        const count = data.identity.allowedAudiences.length;
        setNotice(count === 0 ? "Saved: no other audience is allowed." : `Saved ${count} allowed audience${count === 1 ? "" : "s"}.`);
        await queryClient.invalidateQueries(trpc.identities.list.queryFilter());
      },
    }),
  );
  const values = rows.map((row) => row.value);
  const unchanged = values.length === identity.allowedAudiences.length && values.every((v, i) => v === identity.allowedAudiences[i]);
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(
    updateIdentityInputSchema,
    { identityId: identity.id, allowedAudiences: values },
    update,
    { skip: unchanged },
  );
  const change = (id: number, value: string) => {
    setNotice(null);
    setRows((current) => current.map((row) => (row.id === id ? { ...row, value } : row)));
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Allowed audiences" className="form-stack">
      {notice ? (
        <Alert tone="success" role="status">
          {notice}
        </Alert>
      ) : null}
      <FormAlert error={serverError} />
      {errors.allowedAudiences ? (
        <p className="field-error" role="alert">
          {errors.allowedAudiences}
        </p>
      ) : null}
      {rows.length === 0 ? <p className="muted">None: its tokens are only for this service.</p> : null}
      {rows.map((row, index) => (
        <div key={row.id} className="audience-row">
          <Field id={`audience-${row.id}`} label={`Audience ${index + 1}`} error={errors[`allowedAudiences.${index}`]}>
            {(p) => (
              <input
                {...p}
                className="input input-mono"
                value={row.value}
                onChange={(e) => change(row.id, e.target.value)}
                autoFocus={row.id === added}
                autoComplete="off"
                spellCheck={false}
                placeholder="e.g. sts.amazonaws.com"
              />
            )}
          </Field>
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            aria-label={`Remove audience ${index + 1}${row.value ? ` (${row.value})` : ""}`}
            onClick={() => {
              setNotice(null);
              setRows((current) => current.filter((r) => r.id !== row.id));
            }}
          >
            Remove
          </button>
        </div>
      ))}
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-secondary"
          disabled={rows.length >= MAX_ALLOWED_AUDIENCES}
          onClick={() => {
            const [row] = toRows([""]);
            setNotice(null);
            setAdded(row!.id);
            setRows((current) => [...current, row!]);
          }}
        >
          Add audience
        </button>
        <button type="submit" className="btn btn-primary" disabled={update.isPending || unchanged}>
          {update.isPending ? "Saving…" : "Save audiences"}
        </button>
      </div>
    </form>
  );
}

export function AllowedAudiencesSection({ identity, canEdit }: { identity: Identity; canEdit: boolean }) {
  return (
    <section className="card" aria-labelledby="allowed-audiences-heading">
      <div className="card-header">
        <div>
          <h2 id="allowed-audiences-heading">Allowed audiences</h2>
          <p>
            Services this identity&apos;s tokens may be issued for (the token&apos;s <code>aud</code>), such as{" "}
            <code>sts.amazonaws.com</code> or an internal service name. A login asks for one with <code>audience</code> in its body; without
            it the token is for this service. A token for another audience is refused by this service&apos;s own API.
          </p>
        </div>
      </div>
      <div className="card-body">
        {canEdit ? <AllowedAudiencesForm identity={identity} /> : <AudienceList audiences={identity.allowedAudiences} />}
      </div>
    </section>
  );
}
