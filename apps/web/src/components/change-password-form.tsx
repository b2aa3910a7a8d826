"use client";

import { changeOwnPasswordBodySchema } from "@ociauth/schema";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorInfo, issuesByField } from "./errors";
import { useTRPC } from "./trpc";
import { Alert, Field } from "./ui";

/** The signed-in user's own password: the current one proves it is them; their other sessions end. */
export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const [done, setDone] = useState(false);
  const change = useMutation(
    trpc.users.changePassword.mutationOptions({
      onSuccess: () => {
        setDone(true);
        setSubmitted(false);
        setCurrentPassword("");
        setNewPassword("");
      },
    }),
  );
  const parsed = changeOwnPasswordBodySchema.safeParse({ currentPassword, newPassword });
  const serverError = change.error ? errorInfo(change.error) : null;
  const errors = {
    ...(serverError ? issuesByField(serverError.issues) : {}),
    ...(submitted && !parsed.success ? issuesByField(parsed.error.issues) : {}),
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setDone(false);
    if (parsed.success) change.mutate(parsed.data);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form-stack" aria-label="Change my password">
      {done ? (
        <Alert tone="success" role="status">
          Password changed. Your other sessions have been signed out; this one stays signed in.
        </Alert>
      ) : null}
      {serverError && serverError.issues.length === 0 ? <Alert tone="danger">{serverError.message}</Alert> : null}
      <Field id="current-password" label="Current password" error={errors.currentPassword}>
        {(p) => (
          <input
            {...p}
            className="input"
            type="password"
            value={currentPassword}
            onChange={(e) => setCurrentPassword(e.target.value)}
            autoComplete="current-password"
          />
        )}
      </Field>
      <Field
        id="new-password"
        label="New password"
        hint="At least 12 characters, different from the current one."
        error={errors.newPassword}
      >
        {(p) => (
          <input
            {...p}
            className="input"
            type="password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
            autoComplete="new-password"
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
