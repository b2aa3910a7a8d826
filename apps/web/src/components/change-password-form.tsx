"use client";

import { changeOwnPasswordBodySchema } from "@ociauth/schema";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { PasswordField, FormAlert, useSchemaForm } from "./schema-form";
import { useTRPC } from "./trpc";
import { Alert } from "./ui";

/** The signed-in user's own password: the current one proves it is them; their other sessions end. */
export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [done, setDone] = useState(false);
  const change = useMutation(
    trpc.users.changePassword.mutationOptions({
      onSuccess: () => {
        setDone(true);
        clearSubmitted();
        setCurrentPassword("");
        setNewPassword("");
      },
      onMutate: () => setDone(false),
    }),
  );
  const { formRef, errors, serverError, onSubmit, clearSubmitted } = useSchemaForm(
    changeOwnPasswordBodySchema,
    { currentPassword, newPassword },
    change,
  );

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="form-stack" aria-label="Change my password">
      {done ? (
        <Alert tone="success" role="status">
          Password changed. Your other sessions have been signed out; this one stays signed in.
        </Alert>
      ) : null}
      <FormAlert error={serverError} />
      <PasswordField
        id="current-password"
        label="Current password"
        error={errors.currentPassword}
        value={currentPassword}
        onChange={setCurrentPassword}
        autoComplete="current-password"
      />
      <PasswordField
        id="new-password"
        label="New password"
        hint="At least 12 characters, different from the current one."
        error={errors.newPassword}
        value={newPassword}
        onChange={setNewPassword}
        autoComplete="new-password"
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
