"use client";

import { userLoginBodySchema } from "@ociauth/schema";
import { type FormEvent, useState, useTransition } from "react";
import { loginAction } from "@/auth/actions";
import { issuesByField } from "./errors";
import { useFocusFirstInvalid } from "./hooks";
import { Alert, Field } from "./ui";

export function LoginForm({ next, reason }: { next?: string; reason?: "expired" | "signed-out" }) {
  const [values, setValues] = useState({ email: "", password: "" });
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const { ref: formRef, focusFirstInvalid } = useFocusFirstInvalid();

  const parsed = userLoginBodySchema.safeParse(values);
  const clientErrors = parsed.success ? {} : issuesByField(parsed.error.issues);
  const errors = submitted ? { ...serverErrors, ...clientErrors } : serverErrors;

  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [key]: event.target.value }));
    setServerErrors(({ [key]: _dropped, ...rest }) => rest);
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setMessage(null);
    if (!parsed.success) {
      focusFirstInvalid();
      return;
    }
    startTransition(async () => {
      // On success the action sets the session cookie and navigates; it only returns on failure.
      const result = await loginAction(values, next);
      if (result) {
        setMessage(result.message);
        setServerErrors(result.fieldErrors);
        focusFirstInvalid();
      }
    });
  }

  return (
    <section className="auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <p className="lead">Manage machine identities, their OCI auth configuration, tokens and the audit log.</p>
      {reason === "signed-out" && !message ? <Alert tone="success">You have signed out.</Alert> : null}
      {reason === "expired" && !message ? <Alert tone="info">Your session has ended. Sign in again to continue.</Alert> : null}
      {!reason && next && !message ? <Alert tone="info">Sign in to continue.</Alert> : null}
      {message ? <Alert tone="danger">{message}</Alert> : null}
      <form ref={formRef} className="form-stack" onSubmit={onSubmit} method="post" noValidate>
        <Field id="login-email" label="Email" error={errors.email}>
          {(p) => (
            <input {...p} className="input" type="email" value={values.email} onChange={set("email")} autoComplete="username" autoFocus />
          )}
        </Field>
        <Field id="login-password" label="Password" error={errors.password}>
          {(p) => (
            <input
              {...p}
              className="input"
              type="password"
              value={values.password}
              onChange={set("password")}
              autoComplete="current-password"
            />
          )}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="auth-footer">Machine identities authenticate through the API, not here.</p>
    </section>
  );
}
