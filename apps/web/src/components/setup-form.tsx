"use client";

import { bootstrapBodySchema, MIN_PASSWORD_LENGTH } from "@ociauth/schema";
import Link from "next/link";
import { type FormEvent, useState, useTransition } from "react";
import { setupAction, type SetupResult } from "@/auth/actions";
import { CopyButton } from "./copy-button";
import { issuesByField } from "./errors";
import { useFocusFirstInvalid } from "./hooks";
import { Alert, Field } from "./ui";

type Done = Extract<SetupResult, { ok: true }>;

export function SetupForm() {
  const [values, setValues] = useState({ organization: "", email: "", password: "", confirm: "" });
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [pending, startTransition] = useTransition();
  const { ref: formRef, focusFirstInvalid } = useFocusFirstInvalid();

  if (done) return <TokenOnce done={done} />;

  const { confirm, ...body } = values;
  const parsed = bootstrapBodySchema.safeParse(body);
  const clientErrors = parsed.success ? {} : issuesByField(parsed.error.issues);
  if (values.password && confirm !== values.password) clientErrors.confirm = "The passwords do not match";
  const errors = submitted ? { ...serverErrors, ...clientErrors } : serverErrors;

  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [key]: event.target.value }));
    setServerErrors(({ [key]: _dropped, ...rest }) => rest);
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setMessage(null);
    if (!parsed.success || clientErrors.confirm) {
      focusFirstInvalid();
      return;
    }
    startTransition(async () => {
      const result = await setupAction(body);
      if (result.ok) setDone(result);
      else {
        setMessage(result.message);
        setServerErrors(result.fieldErrors);
        focusFirstInvalid();
      }
    });
  }

  return (
    <section className="auth-card" aria-labelledby="setup-title">
      <h1 id="setup-title">Set up OCI Auth</h1>
      <p className="lead">
        This instance has no users yet. Create the first administrator and your organization. An admin machine identity and its API token
        are created with it.
      </p>
      {message ? <Alert tone="danger">{message}</Alert> : null}
      <form ref={formRef} className="form-stack" onSubmit={onSubmit} method="post" noValidate>
        <Field id="setup-organization" label="Organization name" error={errors.organization}>
          {(p) => (
            <input
              {...p}
              className="input"
              value={values.organization}
              onChange={set("organization")}
              autoComplete="organization"
              autoFocus
            />
          )}
        </Field>
        <Field id="setup-email" label="Admin email" error={errors.email}>
          {(p) => <input {...p} className="input" type="email" value={values.email} onChange={set("email")} autoComplete="email" />}
        </Field>
        <Field id="setup-password" label="Password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={errors.password}>
          {(p) => (
            <input
              {...p}
              className="input"
              type="password"
              value={values.password}
              onChange={set("password")}
              autoComplete="new-password"
            />
          )}
        </Field>
        <Field id="setup-confirm" label="Confirm password" error={errors.confirm}>
          {(p) => (
            <input {...p} className="input" type="password" value={values.confirm} onChange={set("confirm")} autoComplete="new-password" />
          )}
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={pending}>
          {pending ? "Setting up…" : "Create administrator and organization"}
        </button>
      </form>
    </section>
  );
}

/** The admin identity token, shown once: it is not stored anywhere the dashboard can show it again. */
function TokenOnce({ done }: { done: Done }) {
  return (
    <section className="auth-card auth-card-wide" aria-labelledby="token-title">
      <h1 id="token-title">Your instance is ready</h1>
      <p className="lead">
        Created the administrator <strong>{done.email}</strong>, the organization <strong>{done.organization.name}</strong> and the admin
        machine identity <strong>{done.identity.name}</strong>.
      </p>
      <Alert tone="warning" title="Copy the admin identity token now: it will not be shown again." role="alert">
        <p>
          It does not expire and grants full admin access to the API. Store it in a secret manager. If it is lost, revoke it from the
          identity&apos;s Tokens section and use your administrator login instead.
        </p>
      </Alert>
      <div className="token-box">
        <label htmlFor="admin-token" className="label">
          Admin identity token
        </label>
        <textarea
          id="admin-token"
          className="token-value"
          readOnly
          value={done.identity.token}
          rows={4}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <div className="copy-row">
          <CopyButton value={done.identity.token} label="Copy token" className="btn btn-primary" />
          <span className="muted small">
            Identity ID <code>{done.identity.id}</code>
          </span>
        </div>
      </div>
      <div className="form-actions">
        <Link href="/login" className="btn btn-secondary">
          Continue to sign in
        </Link>
        <span className="muted small">Sign in with the administrator email and password you just chose.</span>
      </div>
    </section>
  );
}
