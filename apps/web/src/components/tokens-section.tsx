"use client";

import type { AccessTokenListFilter, AccessTokenStatus, IdentityAccessToken } from "@ociauth/schema";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "./dialog";
import { errorInfo } from "./errors";
import { AUTH_METHOD_LABELS, formatDateTime, formatTrustedIp, formatUses, isAllAddresses } from "./format";
import { QueryError } from "./query-error";
import { tokenFilterFromParams, tokensListInput } from "./query-inputs";
import { useUrlParams } from "./url-state";
import { useTRPC } from "./trpc";
import { Alert, Badge, EmptyState, SkeletonRows, Spinner } from "./ui";

const STATUS: Record<AccessTokenStatus, { label: string; tone: "success" | "neutral" | "warning" | "danger" }> = {
  active: { label: "Active", tone: "success" },
  expired: { label: "Expired", tone: "neutral" },
  exhausted: { label: "Use limit reached", tone: "warning" },
  revoked: { label: "Revoked", tone: "danger" },
};

const FILTERS: { id: AccessTokenListFilter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "active", label: "Active" },
  { id: "revoked", label: "Revoked" },
];

const PRINCIPAL_LABELS = { user: "User (API key)", instance: "Instance principal", resource: "Resource principal" } as const;

const shortOcid = (ocid: string) => (ocid.length > 36 ? `${ocid.slice(0, 20)}…${ocid.slice(-10)}` : ocid);

/** Who logged in with the token (the OCI user, or the instance or resource principal), and from where. */
function LoginOrigin({ token }: { token: IdentityAccessToken }) {
  const ocid = token.ociUserOcid ?? token.ociPrincipalOcid;
  if (!ocid) return <span className="muted">—</span>;
  const isUser = token.ociPrincipalType === null || token.ociPrincipalType === "user";
  return (
    <>
      <div>{isUser ? (token.ociUsername ?? <span className="muted">Unknown name</span>) : PRINCIPAL_LABELS[token.ociPrincipalType!]}</div>
      <div className="muted small mono" title={ocid}>
        {shortOcid(ocid)}
      </div>
      {token.ociRegion ? <div className="muted small">{token.ociRegion}</div> : null}
      {token.loginIp ? <div className="muted small mono">login IP {token.loginIp}</div> : null}
    </>
  );
}

function IpRestrictions({ token }: { token: IdentityAccessToken }) {
  if (token.trustedIps === null) return <span className="muted">None</span>;
  if (token.trustedIps.length === 0) return <span className="muted">No address (OCI auth removed)</span>;
  const open = token.trustedIps.length > 0 && token.trustedIps.every(isAllAddresses);
  return (
    <>
      {open ? <span className="muted small">Any address: </span> : null}
      <ul className="chip-list">
        {token.trustedIps.map((ip) => (
          <li key={formatTrustedIp(ip)} className="chip">
            {formatTrustedIp(ip)}
          </li>
        ))}
      </ul>
    </>
  );
}

export function TokensSection({ identityId, identityName, canRevoke }: { identityId: string; identityName: string; canRevoke: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [params, setParams] = useUrlParams();
  const filter = tokenFilterFromParams(params);
  const tokens = useQuery(trpc.tokens.list.queryOptions(tokensListInput(identityId, filter)));
  const [target, setTarget] = useState<IdentityAccessToken | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const revokeAll = useMutation(
    trpc.tokens.revokeAllForIdentity.mutationOptions({
      onSuccess: async ({ revokedCount }) => {
        setConfirmAll(false);
        setNotice(
          revokedCount === 0
            ? "There was no token left to revoke."
            : `${revokedCount} token${revokedCount === 1 ? " was" : "s were"} revoked. Requests using them are now refused.`,
        );
        await queryClient.invalidateQueries(trpc.tokens.list.queryFilter({ identityId }));
      },
    }),
  );
  const revoke = useMutation(
    trpc.tokens.revokeById.mutationOptions({
      onSuccess: async ({ token }) => {
        setTarget(null);
        setNotice(`Token ${token.id.slice(0, 8)}… was revoked. Requests using it are now refused.`);
        await queryClient.invalidateQueries(trpc.tokens.list.queryFilter({ identityId }));
      },
    }),
  );
  const rows = tokens.data?.tokens ?? [];
  const active = rows.filter((t) => t.status === "active").length;
  const shown = filter === "all" ? "" : ` (${filter} only)`;

  return (
    <section className="card" aria-labelledby="tokens-heading">
      <div className="card-header">
        <div>
          <h2 id="tokens-heading">Access tokens</h2>
          <p>
            Tokens issued to {identityName}, newest first{shown}
            {tokens.data ? ` · ${active} active of ${rows.length}` : ""}. The tokens themselves are never stored; revoke one here if it may
            have leaked.
          </p>
        </div>
        <div className="card-actions">
          <span className="segmented" role="group" aria-label="Show tokens">
            {FILTERS.map((f) => (
              <button
                key={f.id}
                type="button"
                aria-pressed={filter === f.id}
                onClick={() => setParams({ tokens: f.id === "all" ? undefined : f.id })}
              >
                {f.label}
              </button>
            ))}
          </span>
          {canRevoke ? (
            <button
              type="button"
              className="btn btn-danger-outline btn-sm"
              onClick={() => {
                setNotice(null);
                setConfirmAll(true);
              }}
            >
              Revoke all tokens
            </button>
          ) : null}
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => tokens.refetch()} disabled={tokens.isFetching}>
            {tokens.isFetching && !tokens.isPending ? <Spinner label="Refreshing" /> : null} Refresh
          </button>
        </div>
      </div>
      {notice ? (
        <div className="card-body">
          <Alert tone="success" role="status">
            {notice}
          </Alert>
        </div>
      ) : null}
      {tokens.isPending ? (
        <SkeletonRows rows={3} label="Loading access tokens" />
      ) : tokens.isError ? (
        <div className="card-body">
          <QueryError error={tokens.error} what="access tokens" onRetry={() => tokens.refetch()} />
        </div>
      ) : rows.length === 0 && filter !== "all" ? (
        <EmptyState
          title={`No ${filter} tokens`}
          action={
            <button type="button" className="btn btn-secondary" onClick={() => setParams({ tokens: undefined })}>
              Show all tokens
            </button>
          }
        >
          <p>Other tokens of this identity are listed under All.</p>
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState title="No access tokens issued yet">
          <p>A token appears here when a workload logs in as this identity (for example with OCI auth).</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Status</th>
                <th scope="col">Issued</th>
                <th scope="col">Logged in as</th>
                <th scope="col">Expires</th>
                <th scope="col">Uses</th>
                <th scope="col">Last used</th>
                <th scope="col">IP restrictions</th>
                <th scope="col" className="col-actions">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((token) => (
                <tr key={token.id}>
                  <td className="col-primary" data-label="Token">
                    <code title={token.id}>{token.id.slice(0, 8)}…</code>{" "}
                    <Badge tone="accent">{AUTH_METHOD_LABELS[token.authMethod] ?? token.authMethod}</Badge>
                  </td>
                  <td data-label="Status">
                    <Badge tone={STATUS[token.status].tone}>{STATUS[token.status].label}</Badge>
                    {token.revokedAt ? <div className="muted small">{formatDateTime(token.revokedAt)}</div> : null}
                  </td>
                  <td data-label="Issued">{formatDateTime(token.createdAt)}</td>
                  <td data-label="Logged in as">
                    <LoginOrigin token={token} />
                  </td>
                  <td data-label="Expires">{token.expiresAt ? formatDateTime(token.expiresAt) : <span className="muted">Never</span>}</td>
                  <td data-label="Uses">{formatUses(token.accessTokenNumUses, token.accessTokenNumUsesLimit)}</td>
                  <td data-label="Last used">
                    {token.lastUsedAt ? (
                      <>
                        {formatDateTime(token.lastUsedAt)}
                        {token.lastUsedIp ? <div className="muted small mono">from {token.lastUsedIp}</div> : null}
                      </>
                    ) : (
                      <span className="muted">Never</span>
                    )}
                  </td>
                  <td data-label="IP restrictions">
                    <IpRestrictions token={token} />
                  </td>
                  <td className="col-actions" data-label="Actions">
                    {canRevoke && token.status !== "revoked" ? (
                      <button
                        type="button"
                        className="btn btn-danger-outline btn-sm"
                        onClick={() => {
                          setNotice(null);
                          setTarget(token);
                        }}
                        aria-label={`Revoke token ${token.id.slice(0, 8)}`}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={target !== null}
        title="Revoke this access token?"
        confirmLabel="Revoke token"
        pendingLabel="Revoking…"
        pending={revoke.isPending}
        error={revoke.error ? errorInfo(revoke.error).message : null}
        onCancel={() => {
          revoke.reset();
          setTarget(null);
        }}
        onConfirm={() => target && revoke.mutate({ tokenId: target.id })}
      >
        <p>
          Token <code>{target?.id}</code> stops working immediately; it cannot be renewed. The workload must log in again to get a new one.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmAll}
        title={`Revoke every token of ${identityName}?`}
        confirmLabel="Revoke all tokens"
        pendingLabel="Revoking…"
        pending={revokeAll.isPending}
        error={revokeAll.error ? errorInfo(revokeAll.error).message : null}
        onCancel={() => {
          revokeAll.reset();
          setConfirmAll(false);
        }}
        onConfirm={() => revokeAll.mutate({ identityId })}
      >
        <p>
          Every token issued to <strong>{identityName}</strong> that still works stops working immediately, on every instance. Its workloads
          must log in again; OCI auth stays attached.
        </p>
      </ConfirmDialog>
    </section>
  );
}
