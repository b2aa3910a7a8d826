"use client";

import {
  attachTokenAuthInputSchema,
  createTokenAuthTokenInputSchema,
  DEFAULT_TOKEN_TTL_SECONDS,
  DEFAULT_TRUSTED_IPS,
  type Identity,
  type OrgRole,
  type TokenAuthToken,
} from "@ociauth/schema";
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { CopyButton } from "./copy-button";
import { ConfirmDialog } from "./dialog";
import { errorInfo } from "./errors";
import { formatDateTime, formatDuration, formatTrustedIp, withAuthMethod } from "./format";
import { canManage } from "./permissions";
import { QueryError } from "./query-error";
import { FormAlert, useSchemaForm } from "./schema-form";
import { useTRPC } from "./trpc";
import { Alert, Badge, EmptyState, Field, SkeletonRows } from "./ui";

/** An empty number box means "not given": the API's default applies. */
const toNumber = (text: string) => (text.trim() === "" ? undefined : Number(text));
const splitIps = (text: string) =>
  text
    .split(",")
    .map((ip) => ip.trim())
    .filter(Boolean)
    .map((ipAddress) => ({ ipAddress }));

function AttachTokenAuthForm({ identityId, onAttached }: { identityId: string; onAttached: () => void }) {
  const trpc = useTRPC();
  const [ttl, setTtl] = useState(String(DEFAULT_TOKEN_TTL_SECONDS));
  const [maxTtl, setMaxTtl] = useState(String(DEFAULT_TOKEN_TTL_SECONDS));
  const [uses, setUses] = useState("0");
  const [ips, setIps] = useState(DEFAULT_TRUSTED_IPS.map((ip) => ip.ipAddress).join(", "));
  const attach = useMutation(trpc.tokenAuth.attach.mutationOptions({ onSuccess: onAttached }));
  const values = {
    identityId,
    accessTokenTTL: toNumber(ttl),
    accessTokenMaxTTL: toNumber(maxTtl),
    accessTokenNumUsesLimit: toNumber(uses),
    accessTokenTrustedIps: splitIps(ips),
  };
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(attachTokenAuthInputSchema, values, attach);
  const ipError = Object.entries(errors).find(([key]) => key.startsWith("accessTokenTrustedIps"))?.[1];
  const number = (value: string, set: (v: string) => void) => ({
    className: "input",
    type: "number",
    inputMode: "numeric" as const,
    min: 0,
    step: 1,
    value,
    onChange: (e: { target: { value: string } }) => set(e.target.value),
  });
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Attach Token Auth">
      <FormAlert error={serverError} />
      <div className="form-grid">
        <Field
          id="token-auth-ttl"
          label="Access token TTL (seconds)"
          hint="0: tokens last until the max TTL."
          error={errors.accessTokenTTL}
        >
          {(p) => <input {...p} {...number(ttl, setTtl)} />}
        </Field>
        <Field
          id="token-auth-max-ttl"
          label="Access token max TTL (seconds)"
          hint={`Longest life of a token. Default ${DEFAULT_TOKEN_TTL_SECONDS} (30 days).`}
          error={errors.accessTokenMaxTTL}
        >
          {(p) => <input {...p} {...number(maxTtl, setMaxTtl)} />}
        </Field>
        <Field id="token-auth-uses" label="Uses per token" hint="0: unlimited." error={errors.accessTokenNumUsesLimit}>
          {(p) => <input {...p} {...number(uses, setUses)} />}
        </Field>
        <Field
          id="token-auth-trusted-ips"
          label="Trusted IPs"
          hint="Comma-separated addresses or CIDR blocks the tokens may be used from; 0.0.0.0/0 and ::/0 allow every address."
          error={ipError}
        >
          {(p) => (
            <input
              {...p}
              className="input input-mono"
              value={ips}
              onChange={(e) => setIps(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={attach.isPending}>
          {attach.isPending ? "Attaching…" : "Attach Token Auth"}
        </button>
      </div>
    </form>
  );
}

function CreateTokenForm({ identityId, onCreated }: { identityId: string; onCreated: (accessToken: string) => void }) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.tokenAuth.createToken.mutationOptions({
      onSuccess: ({ accessToken }) => {
        setName("");
        onCreated(accessToken);
      },
    }),
  );
  const { formRef, errors, serverError, onSubmit } = useSchemaForm(
    createTokenAuthTokenInputSchema,
    { identityId, ...(name.trim() ? { name } : {}) },
    create,
  );
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Create a token" className="inline-form">
      <FormAlert error={serverError} />
      <Field id="token-auth-token-name" label="Token name (optional)" error={errors.name}>
        {(p) => (
          <input
            {...p}
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            placeholder="e.g. ci-deploy"
          />
        )}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}

function tokenState(token: TokenAuthToken): { label: string; tone: "success" | "neutral" | "danger" } {
  if (token.isAccessTokenRevoked) return { label: "Revoked", tone: "danger" };
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return { label: "Expired", tone: "neutral" };
  if (token.accessTokenNumUsesLimit > 0 && token.accessTokenNumUses >= token.accessTokenNumUsesLimit)
    return { label: "Used up", tone: "neutral" };
  return { label: "Active", tone: "success" };
}

export function TokenAuthSection({ identity, actorRole }: { identity: Identity; actorRole: OrgRole }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const identityId = identity.id;
  const attached = identity.authMethods.includes("token-auth");
  const config = useQuery(trpc.tokenAuth.get.queryOptions(attached ? { identityId } : skipToken));
  const tokens = useQuery(trpc.tokenAuth.listTokens.queryOptions(attached ? { identityId, limit: 100 } : skipToken));
  const [created, setCreated] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDetach, setConfirmDetach] = useState(false);
  const [revoking, setRevoking] = useState<TokenAuthToken | null>(null);
  const canAttach = canManage(actorRole, identity.role, "create");
  const canEdit = canManage(actorRole, identity.role, "edit");

  function setAttached(value: boolean) {
    queryClient.setQueryData(trpc.identities.get.queryKey({ identityId }), (old) =>
      old ? { identity: { ...old.identity, authMethods: withAuthMethod(old.identity.authMethods, "token-auth", value) } } : old,
    );
    void queryClient.invalidateQueries(trpc.identities.list.queryFilter());
  }
  const refreshTokens = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.tokenAuth.listTokens.queryFilter({ identityId })),
      queryClient.invalidateQueries(trpc.tokens.list.queryFilter({ identityId })),
    ]);

  const detach = useMutation(
    trpc.tokenAuth.revoke.mutationOptions({
      onSuccess: async () => {
        setConfirmDetach(false);
        setCreated(null);
        queryClient.removeQueries(trpc.tokenAuth.get.queryFilter({ identityId }));
        setAttached(false);
        await refreshTokens();
        setNotice("Token Auth was removed and every token it created was revoked.");
      },
    }),
  );
  const revokeToken = useMutation(
    trpc.tokenAuth.revokeToken.mutationOptions({
      onSuccess: async () => {
        const name = revoking?.name || "The token";
        setRevoking(null);
        await refreshTokens();
        setNotice(`${name} was revoked: it no longer works anywhere.`);
      },
    }),
  );

  let body: ReactNode;
  if (!attached) {
    body = canAttach ? (
      <>
        <p className="muted">
          Not configured. Attach Token Auth to create access tokens for <strong>{identity.name}</strong> here, without OCI: for scripts, or
          a new admin token when the bootstrap token is lost.
        </p>
        <AttachTokenAuthForm
          identityId={identityId}
          onAttached={() => {
            setAttached(true);
            setNotice("Token Auth attached. Create a token below.");
          }}
        />
      </>
    ) : (
      <EmptyState title="Token Auth is not configured">
        <p>A member or admin of the organization can attach it.</p>
      </EmptyState>
    );
  } else if (config.isPending) {
    body = <SkeletonRows rows={3} label="Loading the Token Auth configuration" />;
  } else if (config.isError) {
    body = <QueryError error={config.error} what="the Token Auth configuration" onRetry={() => config.refetch()} />;
  } else {
    const c = config.data.identityTokenAuth;
    body = (
      <>
        <dl className="dl" aria-label="Stored Token Auth configuration">
          <dt>Access token TTL</dt>
          <dd>{c.accessTokenTTL === 0 ? "None of its own (bounded by the max TTL)" : formatDuration(c.accessTokenTTL)}</dd>
          <dt>Access token max TTL</dt>
          <dd>{formatDuration(c.accessTokenMaxTTL)}</dd>
          <dt>Uses per token</dt>
          <dd>{c.accessTokenNumUsesLimit === 0 ? "Unlimited" : c.accessTokenNumUsesLimit.toLocaleString("en-US")}</dd>
          <dt>Trusted IPs</dt>
          <dd>{c.accessTokenTrustedIps.map(formatTrustedIp).join(", ")}</dd>
        </dl>
        {created ? (
          <Alert tone="success" title="Token created">
            <p>Copy it now: it is shown only once, and the service keeps no copy.</p>
            <p className="token-once">
              <code aria-label="New access token">{created}</code> <CopyButton value={created} label="Copy token" />
            </p>
          </Alert>
        ) : null}
        {canEdit ? (
          <CreateTokenForm
            identityId={identityId}
            onCreated={(accessToken) => {
              setNotice(null);
              setCreated(accessToken);
              void refreshTokens();
            }}
          />
        ) : null}
        {tokens.isPending ? (
          <SkeletonRows rows={2} label="Loading the tokens" />
        ) : tokens.isError ? (
          <QueryError error={tokens.error} what="the tokens" onRetry={() => tokens.refetch()} />
        ) : tokens.data.tokens.length === 0 ? (
          <p className="muted">No tokens yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Token Auth tokens">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">State</th>
                  <th scope="col">Uses</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.tokens.map((token) => {
                  const state = tokenState(token);
                  return (
                    <tr key={token.id} data-token-id={token.id}>
                      <td>{token.name || <span className="muted">(unnamed)</span>}</td>
                      <td>
                        <Badge tone={state.tone}>{state.label}</Badge>
                      </td>
                      <td>
                        {token.accessTokenNumUses}
                        {token.accessTokenNumUsesLimit > 0 ? ` / ${token.accessTokenNumUsesLimit}` : ""}
                      </td>
                      <td>{formatDateTime(token.createdAt)}</td>
                      <td>{token.expiresAt ? formatDateTime(token.expiresAt) : "Never"}</td>
                      <td>
                        {canEdit && !token.isAccessTokenRevoked ? (
                          <button
                            type="button"
                            className="btn btn-danger-outline btn-sm"
                            aria-label={`Revoke token ${token.name || token.id}`}
                            onClick={() => setRevoking(token)}
                          >
                            Revoke
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </>
    );
  }

  return (
    <section className="card" aria-labelledby="token-auth-heading">
      <div className="card-header">
        <div>
          <h2 id="token-auth-heading">Token Auth {attached ? <Badge tone="success">Configured</Badge> : <Badge>Not configured</Badge>}</h2>
          <p>Access tokens created here act as this identity, with its role.</p>
        </div>
        {attached && canEdit ? (
          <div className="card-actions">
            <button type="button" className="btn btn-danger-outline btn-sm" onClick={() => setConfirmDetach(true)}>
              Revoke Token Auth
            </button>
          </div>
        ) : null}
      </div>
      <div className="card-body">
        {notice ? (
          <Alert tone="success" role="status">
            {notice}
          </Alert>
        ) : null}
        {body}
      </div>
      <ConfirmDialog
        open={confirmDetach}
        title="Revoke Token Auth?"
        confirmLabel="Revoke Token Auth"
        pendingLabel="Revoking…"
        pending={detach.isPending}
        error={detach.error ? errorInfo(detach.error).message : null}
        onCancel={() => {
          detach.reset();
          setConfirmDetach(false);
        }}
        onConfirm={() => detach.mutate({ identityId })}
      >
        <p>
          This removes Token Auth from <strong>{identity.name}</strong> and revokes every token it created.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this token?"
        confirmLabel="Revoke token"
        pendingLabel="Revoking…"
        pending={revokeToken.isPending}
        error={revokeToken.error ? errorInfo(revokeToken.error).message : null}
        onCancel={() => {
          revokeToken.reset();
          setRevoking(null);
        }}
        onConfirm={() => revoking && revokeToken.mutate({ tokenId: revoking.id })}
      >
        <p>
          <strong>{revoking?.name || "This token"}</strong> stops working at once, everywhere.
        </p>
      </ConfirmDialog>
    </section>
  );
}
