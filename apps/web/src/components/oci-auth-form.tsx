"use client";

import {
  attachOciAuthInputSchema,
  DEFAULT_TOKEN_TTL_SECONDS,
  DEFAULT_TRUSTED_IPS,
  describeAllowedWorkloads,
  type IdentityOciAuth,
  OCI_PRINCIPAL_TYPES,
  type OciPrincipalType,
  MAX_ALLOWED_USERNAMES_LENGTH,
  MAX_TOKEN_TTL_SECONDS,
  MAX_TRUSTED_IPS,
  parseTrustedIp,
  type PrincipalRules,
  updateOciAuthInputSchema,
  type UpdateOciAuthInput,
} from "@ociauth/schema";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { errorInfo, issuesByField } from "./errors";
import { useFocusFirstInvalid, useTouched } from "./hooks";
import { formatDuration, formatTrustedIp } from "./format";
import { useTRPC } from "./trpc";
import { Alert, Field } from "./ui";

interface IpRow {
  key: number;
  value: string;
}

interface FormState {
  tenancyOcid: string;
  allowedUsernames: string;
  trustedIps: IpRow[];
  accessTokenTTL: string;
  accessTokenMaxTTL: string;
  accessTokenNumUsesLimit: string;
  principalTypes: OciPrincipalType[];
  allowedCompartmentOcids: string;
  allowedPrincipalOcids: string;
  allowedRegions: string;
}

type FieldName =
  | "tenancyOcid"
  | "allowedUsernames"
  | "accessTokenTrustedIps"
  | "accessTokenTTL"
  | "accessTokenMaxTTL"
  | "accessTokenNumUsesLimit"
  | "allowedCompartmentOcids"
  | "allowedPrincipalOcids"
  | "allowedRegions";

const PRINCIPAL_CHOICES: Record<OciPrincipalType, { label: string; hint: string }> = {
  user: { label: "Users with API keys", hint: "OCI users signing with an API key (Infisical's login, or the principal login)" },
  instance: { label: "Compute instances", hint: "instance principals: VMs, bare metal, OKE nodes" },
  resource: { label: "Functions, container instances, OKE workloads", hint: "resource principals" },
};

/** Users only is the default: sent as null, so a configuration that never used principal types stays as it was. */
const isDefaultTypes = (types: OciPrincipalType[]) => types.length === 1 && types[0] === "user";

/** Row keys are also in element ids: deterministic (index-based) so the server's HTML and the browser agree. */
const rows = (values: string[]): IpRow[] => values.map((value, key) => ({ key, value }));

function initialState(config?: IdentityOciAuth): FormState {
  if (!config) {
    return {
      tenancyOcid: "",
      allowedUsernames: "",
      trustedIps: rows(DEFAULT_TRUSTED_IPS.map((ip) => ip.ipAddress)),
      accessTokenTTL: String(DEFAULT_TOKEN_TTL_SECONDS),
      accessTokenMaxTTL: String(DEFAULT_TOKEN_TTL_SECONDS),
      accessTokenNumUsesLimit: "0",
      principalTypes: ["user"],
      allowedCompartmentOcids: "",
      allowedPrincipalOcids: "",
      allowedRegions: "",
    };
  }
  return {
    tenancyOcid: config.tenancyOcid,
    allowedUsernames: config.allowedUsernames ?? "",
    trustedIps: rows(config.accessTokenTrustedIps.map(formatTrustedIp)),
    accessTokenTTL: String(config.accessTokenTTL),
    accessTokenMaxTTL: String(config.accessTokenMaxTTL),
    accessTokenNumUsesLimit: String(config.accessTokenNumUsesLimit),
    principalTypes: config.allowedPrincipalTypes ?? ["user"],
    allowedCompartmentOcids: config.allowedCompartmentOcids ?? "",
    allowedPrincipalOcids: config.allowedPrincipalOcids ?? "",
    allowedRegions: config.allowedRegions ?? "",
  };
}

/** An empty number box means "not given": attach applies the default, edit keeps the stored value. */
const toNumber = (text: string) => (text.trim() === "" ? undefined : Number(text));

/** The request body exactly as the API receives it (the shared zod schemas validate it, here and on the server). */
function toBody(state: FormState) {
  return {
    tenancyOcid: state.tenancyOcid,
    allowedUsernames: state.allowedUsernames,
    accessTokenTrustedIps: state.trustedIps.map((ip) => ({ ipAddress: ip.value })),
    accessTokenTTL: toNumber(state.accessTokenTTL),
    accessTokenMaxTTL: toNumber(state.accessTokenMaxTTL),
    accessTokenNumUsesLimit: toNumber(state.accessTokenNumUsesLimit),
    allowedPrincipalTypes: isDefaultTypes(state.principalTypes) ? null : state.principalTypes,
    allowedCompartmentOcids: state.allowedCompartmentOcids,
    allowedPrincipalOcids: state.allowedPrincipalOcids,
    allowedRegions: state.allowedRegions,
  };
}

const canonicalIps = (ips: { ipAddress: string }[]) =>
  ips.map(({ ipAddress }) => {
    const parsed = parseTrustedIp(ipAddress);
    return parsed ? formatTrustedIp(parsed) : ipAddress.trim();
  });

/** Only what differs from the stored config: PATCH leaves omitted fields unchanged (and the audit log names what changed). */
type OciAuthPatch = Omit<UpdateOciAuthInput, "identityId">;

function changedFields(parsed: OciAuthPatch, stored: IdentityOciAuth): OciAuthPatch {
  const patch: OciAuthPatch = {};
  if (parsed.tenancyOcid !== undefined && parsed.tenancyOcid !== stored.tenancyOcid) patch.tenancyOcid = parsed.tenancyOcid;
  if (parsed.allowedUsernames !== undefined && parsed.allowedUsernames !== stored.allowedUsernames)
    patch.allowedUsernames = parsed.allowedUsernames;
  if (parsed.accessTokenTrustedIps) {
    const next = canonicalIps(parsed.accessTokenTrustedIps);
    const current = stored.accessTokenTrustedIps.map(formatTrustedIp);
    if (next.join(",") !== current.join(",")) patch.accessTokenTrustedIps = parsed.accessTokenTrustedIps;
  }
  for (const key of ["accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit"] as const) {
    if (parsed[key] !== undefined && parsed[key] !== stored[key]) patch[key] = parsed[key];
  }
  const types = parsed.allowedPrincipalTypes;
  if (types !== undefined && (types?.join(",") ?? null) !== (stored.allowedPrincipalTypes?.join(",") ?? null)) {
    patch.allowedPrincipalTypes = types;
  }
  for (const key of ["allowedCompartmentOcids", "allowedPrincipalOcids", "allowedRegions"] as const) {
    if (parsed[key] !== undefined && parsed[key] !== (stored[key] ?? null)) patch[key] = parsed[key];
  }
  return patch;
}

function ttlPreview(text: string, kind: "ttl" | "max"): string | null {
  const value = toNumber(text);
  if (value === undefined || !Number.isInteger(value) || value < 0 || value > MAX_TOKEN_TTL_SECONDS) return null;
  if (value === 0)
    return kind === "ttl" ? "No lifetime of its own: tokens last until the max TTL." : "No max TTL: renewals extend a token without end.";
  return `= ${formatDuration(value)}`;
}

function usesPreview(text: string): string | null {
  const value = toNumber(text);
  if (value === undefined || !Number.isInteger(value) || value < 0) return null;
  return value === 0 ? "Unlimited uses" : `Each token works for ${value.toLocaleString("en-US")} request${value === 1 ? "" : "s"}`;
}

/** "Which workloads may log in", in the words of the shared schema package (the CLI prints the same sentences). */
export function WorkloadSummary({ rules, className, note }: { rules: PrincipalRules; className?: string; note?: string }) {
  return (
    <section className={`workload-summary${className ? ` ${className}` : ""}`} aria-label="Which workloads may log in" aria-live="polite">
      <h3 className="workload-summary-title">Which workloads may log in</h3>
      <ul>
        {describeAllowedWorkloads(rules).map((line) => (
          <li key={line}>{line.charAt(0).toUpperCase() + line.slice(1)}</li>
        ))}
      </ul>
      {note ? <p className="muted small">{note}</p> : null}
    </section>
  );
}

export function OciAuthForm({
  identityId,
  config,
  onSaved,
  onCancel,
}: {
  identityId: string;
  /** The stored configuration when editing; absent when attaching. */
  config?: IdentityOciAuth;
  onSaved: (config: IdentityOciAuth, changed: string[]) => void;
  onCancel?: () => void;
}) {
  const mode = config ? "edit" : "attach";
  const trpc = useTRPC();
  const formId = useId();
  const [state, setState] = useState<FormState>(() => initialState(config));
  const [touched, markTouched] = useTouched();
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const ipInputs = useRef(new Map<number, HTMLInputElement>());
  const nextRowKey = useRef(state.trustedIps.length);
  const { ref: formRef, focusFirstInvalid } = useFocusFirstInvalid();

  const attach = useMutation(trpc.ociAuth.attach.mutationOptions());
  const update = useMutation(trpc.ociAuth.update.mutationOptions());
  const mutation = mode === "attach" ? attach : update;

  const input = { identityId, ...toBody(state) };
  const parsed = mode === "attach" ? attachOciAuthInputSchema.safeParse(input) : updateOciAuthInputSchema.safeParse(input);
  const clientErrors = parsed.success ? {} : issuesByField(parsed.error.issues);
  const show = (key: string) =>
    submitted || touched.has(key.split(".").slice(0, 2).join(".")) || (key === "accessTokenTTL" && touched.has("accessTokenMaxTTL")); // the cross-field rule reports on the TTL
  const errorFor = (key: string): string | undefined => serverErrors[key] ?? (show(key) ? clientErrors[key] : undefined);
  const failure = mutation.error ? errorInfo(mutation.error) : null;

  const id = (name: string) => `${formId}-${name}`;
  const touch = (key: string) => () => markTouched(key);
  function edit<K extends keyof FormState>(key: K, value: FormState[K], errorKey: string = key) {
    setState((s) => ({ ...s, [key]: value }));
    setNotice(null);
    setServerErrors(({ [errorKey]: _dropped, ...rest }) => rest);
  }
  const text = (key: Exclude<FieldName, "accessTokenTrustedIps"> & keyof FormState) => ({
    value: state[key],
    onChange: (event: { target: { value: string } }) => edit(key, event.target.value),
    onBlur: touch(key),
  });

  function togglePrincipalType(type: OciPrincipalType, on: boolean) {
    const next = OCI_PRINCIPAL_TYPES.filter((t) => (t === type ? on : state.principalTypes.includes(t)));
    edit("principalTypes", next, "allowedPrincipalTypes");
    markTouched("allowedPrincipalTypes");
  }

  function setIp(index: number, value: string) {
    setState((s) => ({ ...s, trustedIps: s.trustedIps.map((ip, i) => (i === index ? { ...ip, value } : ip)) }));
    setNotice(null);
    setServerErrors(({ [`accessTokenTrustedIps.${index}.ipAddress`]: _a, accessTokenTrustedIps: _b, ...rest }) => rest);
  }
  function addIp() {
    const added: IpRow = { key: nextRowKey.current++, value: "" };
    setState((s) => ({ ...s, trustedIps: [...s.trustedIps, added] }));
    requestAnimationFrame(() => ipInputs.current.get(added.key)?.focus());
  }
  function removeIp(index: number) {
    setState((s) => ({ ...s, trustedIps: s.trustedIps.filter((_, i) => i !== index) }));
    setServerErrors({}); // indexes shift: stale per-row messages would point at the wrong rows
    const rest = state.trustedIps.filter((_, i) => i !== index);
    const focusTarget = rest[Math.min(index, rest.length - 1)];
    if (focusTarget) requestAnimationFrame(() => ipInputs.current.get(focusTarget.key)?.focus());
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setNotice(null);
    setServerErrors({});
    mutation.reset();
    if (!parsed.success) {
      focusFirstInvalid();
      return;
    }
    const onError = (error: unknown) => {
      setServerErrors(issuesByField(errorInfo(error).issues));
      focusFirstInvalid();
    };
    if (mode === "attach") {
      attach.mutate(attachOciAuthInputSchema.parse(input), { onSuccess: ({ identityOciAuth }) => onSaved(identityOciAuth, []), onError });
      return;
    }
    const patch = changedFields(parsed.data, config!);
    if (Object.keys(patch).length === 0) {
      setNotice("Nothing has changed: there is nothing to save.");
      return;
    }
    update.mutate({ identityId, ...patch }, { onSuccess: ({ identityOciAuth }) => onSaved(identityOciAuth, Object.keys(patch)), onError });
  }

  const usernamesLength = state.allowedUsernames.trim().length;
  const ipListError = errorFor("accessTokenTrustedIps");
  const ttl = ttlPreview(state.accessTokenTTL, "ttl");
  const maxTtl = ttlPreview(state.accessTokenMaxTTL, "max");
  const uses = usesPreview(state.accessTokenNumUsesLimit);
  const typesError = errorFor("allowedPrincipalTypes");
  const allowsPrincipals = state.principalTypes.some((type) => type !== "user");

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label={mode === "attach" ? "Attach OCI auth" : "Edit OCI auth"}>
      {failure && failure.issues.length === 0 ? (
        <Alert tone="danger" title={mode === "attach" ? "OCI auth was not attached" : "The changes were not saved"}>
          <p>{failure.message}</p>
        </Alert>
      ) : null}
      {failure && failure.issues.length > 0 ? (
        <Alert tone="danger" title="The server rejected some values">
          <p>Correct the highlighted fields and save again.</p>
        </Alert>
      ) : null}
      {submitted && !parsed.success ? (
        <Alert tone="danger" role="alert">
          Some values are not valid. Correct the highlighted fields.
        </Alert>
      ) : null}
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      <div className="form-grid">
        <Field
          id={id("tenancyOcid")}
          className="span-2"
          label="Tenancy OCID"
          hint="The OCI tenancy whose users may log in, e.g. ocid1.tenancy.oc1..aaaaaaaa…"
          error={errorFor("tenancyOcid")}
        >
          {(p) => (
            <input
              {...p}
              className="input input-mono"
              {...text("tenancyOcid")}
              autoComplete="off"
              spellCheck={false}
              placeholder="ocid1.tenancy.oc1..aaaaaaaa…"
            />
          )}
        </Field>
        <Field
          id={id("allowedUsernames")}
          className="span-2"
          label={
            <>
              Allowed usernames <span className="label-optional">(optional)</span>
            </>
          }
          hint={
            <>
              Comma-separated OCI user names, e.g. <code>alice, ci-bot</code>. Empty: any user of the tenancy may log in.{" "}
              <span className="char-count">
                {usernamesLength}/{MAX_ALLOWED_USERNAMES_LENGTH}
              </span>
            </>
          }
          error={errorFor("allowedUsernames")}
        >
          {(p) => (
            <input
              {...p}
              className="input"
              {...text("allowedUsernames")}
              autoComplete="off"
              spellCheck={false}
              placeholder="Any user of the tenancy"
            />
          )}
        </Field>

        <fieldset className="fieldset span-2" aria-describedby={`${id("ips")}-hint${ipListError ? ` ${id("ips")}-error` : ""}`}>
          <legend>Trusted IPs for access tokens</legend>
          <p id={`${id("ips")}-hint`} className="hint">
            Tokens work only from these addresses: IPv4 or IPv6 addresses or CIDR blocks such as <code>10.0.0.0/8</code>.{" "}
            <code>0.0.0.0/0</code> and <code>::/0</code> allow every address. Changes apply to tokens already issued.
          </p>
          <ul className="ip-rows">
            {state.trustedIps.map((ip, index) => {
              const rowError = errorFor(`accessTokenTrustedIps.${index}.ipAddress`);
              const inputId = `${id("ip")}-${ip.key}`;
              return (
                <li key={ip.key} className="ip-row">
                  <label htmlFor={inputId} className="sr-only">
                    Trusted IP {index + 1}
                  </label>
                  <input
                    id={inputId}
                    ref={(element) => {
                      if (element) ipInputs.current.set(ip.key, element);
                      else ipInputs.current.delete(ip.key);
                    }}
                    className="input input-mono"
                    value={ip.value}
                    onChange={(event) => setIp(index, event.target.value)}
                    onBlur={touch(`accessTokenTrustedIps.${index}`)}
                    aria-invalid={rowError || (ipListError && index === 0) ? true : undefined}
                    aria-describedby={rowError ? `${inputId}-error` : undefined}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="e.g. 203.0.113.0/24"
                  />
                  <button
                    type="button"
                    className="btn btn-secondary"
                    onClick={() => removeIp(index)}
                    disabled={state.trustedIps.length <= 1}
                    aria-label={`Remove trusted IP ${index + 1}${ip.value ? ` (${ip.value})` : ""}`}
                    title={state.trustedIps.length <= 1 ? "At least one trusted IP is required" : undefined}
                  >
                    Remove
                  </button>
                  {rowError ? (
                    <p id={`${inputId}-error`} className="field-error">
                      {rowError}
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ul>
          {ipListError ? (
            <p id={`${id("ips")}-error`} className="field-error">
              {ipListError}
            </p>
          ) : null}
          <button type="button" className="btn btn-secondary btn-sm" onClick={addIp} disabled={state.trustedIps.length >= MAX_TRUSTED_IPS}>
            + Add IP address
          </button>
        </fieldset>

        <fieldset className="fieldset span-2" aria-describedby={`${id("types")}-hint${typesError ? ` ${id("types")}-error` : ""}`}>
          <legend>Which workloads may log in</legend>
          <p id={`${id("types")}-hint`} className="hint">
            Kinds of OCI principal allowed. Instances and resources log in without an API key, with the principal login.
          </p>
          <ul className="choice-rows">
            {OCI_PRINCIPAL_TYPES.map((type, index) => (
              <li key={type}>
                <label className="choice">
                  <input
                    type="checkbox"
                    name="allowedPrincipalTypes"
                    value={type}
                    checked={state.principalTypes.includes(type)}
                    onChange={(event) => togglePrincipalType(type, event.target.checked)}
                    aria-invalid={typesError && index === 0 ? true : undefined}
                    aria-describedby={typesError ? `${id("types")}-error` : undefined}
                  />
                  <span>
                    {PRINCIPAL_CHOICES[type].label} <span className="muted small">({PRINCIPAL_CHOICES[type].hint})</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {typesError ? (
            <p id={`${id("types")}-error`} className="field-error">
              {typesError}
            </p>
          ) : null}
        </fieldset>
        <Field
          id={id("allowedCompartmentOcids")}
          className="span-2"
          label={
            <>
              Allowed compartments <span className="label-optional">(optional)</span>
            </>
          }
          hint="Comma-separated compartment OCIDs instances and resources must be in (users count as the tenancy's root compartment). Empty: any compartment."
          error={errorFor("allowedCompartmentOcids")}
        >
          {(p) => (
            <input
              {...p}
              className="input input-mono"
              {...text("allowedCompartmentOcids")}
              autoComplete="off"
              spellCheck={false}
              placeholder="Any compartment of the tenancy"
            />
          )}
        </Field>
        <Field
          id={id("allowedPrincipalOcids")}
          className="span-2"
          label={
            <>
              Allowed principal OCIDs <span className="label-optional">(optional)</span>
            </>
          }
          hint="Comma-separated OCIDs of the exact users, instances or functions allowed. Empty: no restriction by OCID."
          error={errorFor("allowedPrincipalOcids")}
        >
          {(p) => (
            <input
              {...p}
              className="input input-mono"
              {...text("allowedPrincipalOcids")}
              autoComplete="off"
              spellCheck={false}
              placeholder="Any principal"
            />
          )}
        </Field>
        <Field
          id={id("allowedRegions")}
          className="span-2"
          label={
            <>
              Allowed regions <span className="label-optional">(optional)</span>
            </>
          }
          hint={
            <>
              Comma-separated OCI regions, e.g. <code>us-ashburn-1, eu-frankfurt-1</code>. Empty: any region.
            </>
          }
          error={errorFor("allowedRegions")}
        >
          {(p) => (
            <input {...p} className="input" {...text("allowedRegions")} autoComplete="off" spellCheck={false} placeholder="Any region" />
          )}
        </Field>
        <WorkloadSummary
          className="span-2"
          rules={{
            tenancyOcid: state.tenancyOcid.trim() || "(not set yet)",
            allowedUsernames: state.allowedUsernames,
            allowedPrincipalTypes: state.principalTypes.length > 0 ? state.principalTypes : ["user"],
            allowedCompartmentOcids: state.allowedCompartmentOcids,
            allowedPrincipalOcids: state.allowedPrincipalOcids,
            allowedRegions: state.allowedRegions,
          }}
          note={allowsPrincipals ? "Principal logins need the OCI policy described in the docs (docs/oci-principals.md)." : undefined}
        />

        <Field
          id={id("accessTokenTTL")}
          label="Access token TTL (seconds)"
          hint={
            <>
              {ttl ? <span className="preview">{ttl}</span> : null} How long a token lives before it must be renewed. 0: no TTL of its own.
              Default {DEFAULT_TOKEN_TTL_SECONDS} (30 days).
            </>
          }
          error={errorFor("accessTokenTTL")}
        >
          {(p) => (
            <input
              {...p}
              className="input"
              type="number"
              inputMode="numeric"
              min={0}
              max={MAX_TOKEN_TTL_SECONDS}
              step={1}
              {...text("accessTokenTTL")}
              placeholder={mode === "attach" ? String(DEFAULT_TOKEN_TTL_SECONDS) : String(config?.accessTokenTTL)}
            />
          )}
        </Field>
        <Field
          id={id("accessTokenMaxTTL")}
          label="Access token max TTL (seconds)"
          hint={
            <>
              {maxTtl ? <span className="preview">{maxTtl}</span> : null} Renewals never extend a token beyond this, counted from its first
              login. Default {DEFAULT_TOKEN_TTL_SECONDS} (30 days).
            </>
          }
          error={errorFor("accessTokenMaxTTL")}
        >
          {(p) => (
            <input
              {...p}
              className="input"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_TOKEN_TTL_SECONDS}
              step={1}
              {...text("accessTokenMaxTTL")}
              placeholder={mode === "attach" ? String(DEFAULT_TOKEN_TTL_SECONDS) : String(config?.accessTokenMaxTTL)}
            />
          )}
        </Field>
        <Field
          id={id("accessTokenNumUsesLimit")}
          label="Uses per token"
          hint={
            <>{uses ? <span className="preview">{uses}</span> : null} How many requests one token may make. 0: unlimited (the default).</>
          }
          error={errorFor("accessTokenNumUsesLimit")}
        >
          {(p) => (
            <input
              {...p}
              className="input"
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              {...text("accessTokenNumUsesLimit")}
              placeholder={mode === "attach" ? "0" : String(config?.accessTokenNumUsesLimit)}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
          {mutation.isPending ? "Saving…" : mode === "attach" ? "Attach OCI auth" : "Save changes"}
        </button>
        {onCancel ? (
          <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={mutation.isPending}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
