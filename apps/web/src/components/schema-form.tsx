"use client";

import type { OrgRole } from "@ociauth/schema";
import { type FormEvent, type ReactNode, useState } from "react";
import type { z } from "zod";
import { type ErrorInfo, errorInfo, issuesByField } from "./errors";
import { ROLE_LABELS } from "./format";
import { useFocusFirstInvalid } from "./hooks";
import { assignableRoles } from "./permissions";
import { Alert, Field } from "./ui";

interface SubmitMutation<T> {
  mutate(data: T, options?: { onError?: () => void }): void;
  error: unknown;
}

/**
 * A form validated by the operation's own input schema (so it shows the same messages as REST and
 * tRPC): field errors appear after the first submit, server-side issues land on their fields, and
 * an invalid submit focuses the first invalid field. `skip` leaves a valid submit unsent (e.g. nothing changed).
 */
export function useSchemaForm<S extends z.ZodType>(
  schema: S,
  values: unknown,
  mutation: SubmitMutation<z.output<S>>,
  options: { skip?: boolean } = {},
) {
  const [submitted, setSubmitted] = useState(false);
  const { ref: formRef, focusFirstInvalid } = useFocusFirstInvalid();
  const parsed = schema.safeParse(values);
  const serverError = mutation.error ? errorInfo(mutation.error) : null;
  const errors: Record<string, string | undefined> = {
    ...(serverError ? issuesByField(serverError.issues) : {}),
    ...(submitted && !parsed.success ? issuesByField(parsed.error.issues) : {}),
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!parsed.success) focusFirstInvalid();
    else if (!options.skip) mutation.mutate(parsed.data, { onError: focusFirstInvalid });
  }

  return { formRef, errors, serverError, onSubmit, clearSubmitted: () => setSubmitted(false) };
}

/** The server's refusal that belongs to no single field (field issues show beside their fields). */
export function FormAlert({ error }: { error: ErrorInfo | null }) {
  return error && error.issues.length === 0 ? <Alert tone="danger">{error.message}</Alert> : null;
}

/** Cancel and submit, at the foot of a dialog's form. */
export function DialogActions({
  onCancel,
  pending,
  label,
  pendingLabel,
  disabled = false,
  danger = false,
}: {
  onCancel: () => void;
  pending: boolean;
  label: string;
  pendingLabel: string;
  disabled?: boolean;
  danger?: boolean;
}) {
  return (
    <div className="modal-actions">
      <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={pending}>
        Cancel
      </button>
      <button type="submit" className={danger ? "btn btn-danger" : "btn btn-primary"} disabled={pending || disabled}>
        {pending ? pendingLabel : label}
      </button>
    </div>
  );
}

/** A password input in a labelled field. */
export function PasswordField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
  autoComplete,
  autoFocus = false,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: "current-password" | "new-password";
  autoFocus?: boolean;
}) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(p) => (
        <input
          {...p}
          className="input"
          type="password"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete={autoComplete}
          autoFocus={autoFocus}
        />
      )}
    </Field>
  );
}

/** The roles the actor may give (never above their own), in a labelled field. */
export function RoleField({
  id,
  hint,
  error,
  value,
  onChange,
  actorRole,
}: {
  id: string;
  hint: ReactNode;
  error?: string;
  value: OrgRole;
  onChange: (role: OrgRole) => void;
  actorRole: OrgRole;
}) {
  return (
    <Field id={id} label="Role in the organization" hint={hint} error={error}>
      {(p) => (
        <select {...p} className="select" value={value} onChange={(event) => onChange(event.target.value as OrgRole)}>
          {assignableRoles(actorRole).map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
