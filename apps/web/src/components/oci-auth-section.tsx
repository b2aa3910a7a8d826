"use client";

import type { Identity, IdentityOciAuth, OrgRole } from "@ociauth/schema";
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { ConfirmDialog } from "./dialog";
import { errorInfo } from "./errors";
import { formatDateTime, formatDuration, formatTrustedIp, isAllAddresses } from "./format";
import { OciAuthForm, WorkloadSummary } from "./oci-auth-form";
import { canManage } from "./permissions";
import { withAuthMethod } from "./format";
import { QueryError } from "./query-error";
import { useTRPC } from "./trpc";
import { Alert, Badge, EmptyState, SkeletonRows } from "./ui";

const FIELD_LABELS: Record<string, string> = {
  tenancyOcid: "tenancy OCID",
  allowedUsernames: "allowed usernames",
  accessTokenTrustedIps: "trusted IPs",
  accessTokenTTL: "TTL",
  accessTokenMaxTTL: "max TTL",
  accessTokenNumUsesLimit: "uses per token",
  allowedPrincipalTypes: "principal types",
  allowedCompartmentOcids: "allowed compartments",
  allowedPrincipalOcids: "allowed principal OCIDs",
  allowedRegions: "allowed regions",
};

const PRINCIPAL_TYPE_LABELS = { user: "Users (API keys)", instance: "Instance principals", resource: "Resource principals" } as const;

/** A comma-separated allow-list as chips, or what its absence means. */
function ListChips({ list, empty, mono }: { list: string | undefined | null; empty: string; mono?: boolean }) {
  if (!list) return <span className="muted">{empty}</span>;
  return (
    <ul className="chip-list">
      {list.split(", ").map((entry) => (
        <li key={entry} className={`chip${mono ? " mono" : ""}`}>
          {entry}
        </li>
      ))}
    </ul>
  );
}

function Seconds({ value, zero }: { value: number; zero?: string }) {
  if (value === 0 && zero) return <>{zero}</>;
  return (
    <>
      {formatDuration(value)} <span className="muted small">({value.toLocaleString("en-US")} s)</span>
    </>
  );
}

export function OciAuthConfigView({ config }: { config: IdentityOciAuth }) {
  const allOpen = config.accessTokenTrustedIps.some(isAllAddresses);
  return (
    <dl className="dl" aria-label="Stored OCI auth configuration">
      <dt>Tenancy OCID</dt>
      <dd>
        <code>{config.tenancyOcid}</code>
      </dd>
      <dt>Allowed usernames</dt>
      <dd>
        <ListChips list={config.allowedUsernames} empty="Any user of the tenancy" />
      </dd>
      <dt>Principal types</dt>
      <dd>
        <ul className="chip-list">
          {(config.allowedPrincipalTypes ?? ["user"]).map((type) => (
            <li key={type} className="chip">
              {PRINCIPAL_TYPE_LABELS[type]}
            </li>
          ))}
        </ul>
      </dd>
      <dt>Allowed compartments</dt>
      <dd>
        <ListChips list={config.allowedCompartmentOcids} empty="Any compartment of the tenancy" mono />
      </dd>
      <dt>Allowed principal OCIDs</dt>
      <dd>
        <ListChips list={config.allowedPrincipalOcids} empty="Any principal" mono />
      </dd>
      <dt>Allowed regions</dt>
      <dd>
        <ListChips list={config.allowedRegions} empty="Any region" />
      </dd>
      <dt>Trusted IPs</dt>
      <dd>
        <ul className="chip-list">
          {config.accessTokenTrustedIps.map((ip) => (
            <li key={formatTrustedIp(ip)} className="chip">
              {formatTrustedIp(ip)}
            </li>
          ))}
        </ul>
        {allOpen ? <p className="hint">Includes every address of an IP family: tokens are not bound to a network there.</p> : null}
      </dd>
      <dt>Access token TTL</dt>
      <dd>
        <Seconds value={config.accessTokenTTL} zero="None of its own (bounded by the max TTL)" />
      </dd>
      <dt>Access token max TTL</dt>
      <dd>
        <Seconds value={config.accessTokenMaxTTL} zero="None (renewals extend a token without end)" />
      </dd>
      <dt>Uses per token</dt>
      <dd>{config.accessTokenNumUsesLimit === 0 ? "Unlimited" : config.accessTokenNumUsesLimit.toLocaleString("en-US")}</dd>
      <dt>Attached</dt>
      <dd>{formatDateTime(config.createdAt)}</dd>
      <dt>Last changed</dt>
      <dd>{formatDateTime(config.updatedAt)}</dd>
    </dl>
  );
}

export function OciAuthSection({ identity, actorRole }: { identity: Identity; actorRole: OrgRole }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const identityId = identity.id;
  const attached = identity.authMethods.includes("oci-auth");
  const config = useQuery(trpc.ociAuth.get.queryOptions(attached ? { identityId } : skipToken));
  const [editing, setEditing] = useState(false);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const canAttach = canManage(actorRole, identity.role, "create");
  const canEdit = canManage(actorRole, identity.role, "edit");

  const identityKey = trpc.identities.get.queryKey({ identityId });
  function setAttached(value: boolean) {
    queryClient.setQueryData(identityKey, (old) =>
      old ? { identity: { ...old.identity, authMethods: withAuthMethod(old.identity.authMethods, "oci-auth", value) } } : old,
    );
    void queryClient.invalidateQueries(trpc.identities.list.queryFilter());
  }

  const revoke = useMutation(
    trpc.ociAuth.revoke.mutationOptions({
      onSuccess: async () => {
        setConfirmRevoke(false);
        setEditing(false);
        queryClient.removeQueries(trpc.ociAuth.get.queryFilter({ identityId }));
        setAttached(false);
        await queryClient.invalidateQueries(trpc.tokens.list.queryFilter({ identityId }));
        setNotice("OCI auth was revoked and every token it issued was revoked with it. Workloads can no longer log in with OCI.");
      },
    }),
  );

  function saved(next: IdentityOciAuth, changed: string[]) {
    queryClient.setQueryData(trpc.ociAuth.get.queryKey({ identityId }), { identityOciAuth: next });
    setEditing(false);
    if (changed.length === 0) {
      setAttached(true);
      setNotice("OCI auth attached. Workloads of this tenancy can now log in as this identity.");
    } else {
      setNotice(`Saved: ${changed.map((key) => FIELD_LABELS[key] ?? key).join(", ")}.`);
      if (changed.includes("accessTokenTrustedIps")) void queryClient.invalidateQueries(trpc.tokens.list.queryFilter({ identityId }));
    }
  }

  let body: ReactNode;
  let actions: ReactNode = null;
  if (!attached) {
    body = canAttach ? (
      <>
        <p className="muted">
          Not configured yet. Attach OCI auth to let workloads log in as <strong>{identity.name}</strong> by signing a request with an OCI
          user API key of your tenancy. Every field but the tenancy OCID has a default.
        </p>
        <OciAuthForm identityId={identityId} onSaved={saved} />
      </>
    ) : (
      <EmptyState title="OCI auth is not configured">
        <p>Workloads cannot log in as this identity with OCI. A member or admin of the organization can attach it.</p>
      </EmptyState>
    );
  } else if (config.isPending) {
    body = <SkeletonRows rows={5} label="Loading the OCI auth configuration" />;
  } else if (config.isError) {
    const info = errorInfo(config.error);
    body =
      info.code === "NOT_FOUND" ? (
        <Alert tone="warning" title="OCI auth is no longer attached">
          <p>It was revoked meanwhile (perhaps by another operator).</p>
          <div className="alert-actions">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setAttached(false)}>
              Show the attach form
            </button>
          </div>
        </Alert>
      ) : (
        <QueryError error={config.error} what="the OCI auth configuration" onRetry={() => config.refetch()} />
      );
  } else if (editing) {
    body = <OciAuthForm identityId={identityId} config={config.data.identityOciAuth} onSaved={saved} onCancel={() => setEditing(false)} />;
  } else {
    body = (
      <>
        <WorkloadSummary rules={config.data.identityOciAuth} />
        <OciAuthConfigView config={config.data.identityOciAuth} />
      </>
    );
    actions = canEdit ? (
      <div className="card-actions">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => {
            setNotice(null);
            setEditing(true);
          }}
        >
          Edit configuration
        </button>
        <button type="button" className="btn btn-danger-outline btn-sm" onClick={() => setConfirmRevoke(true)}>
          Revoke OCI auth
        </button>
      </div>
    ) : null;
  }

  return (
    <section className="card" aria-labelledby="oci-auth-heading">
      <div className="card-header">
        <div>
          <h2 id="oci-auth-heading">OCI Auth {attached ? <Badge tone="success">Configured</Badge> : <Badge>Not configured</Badge>}</h2>
          <p>
            Login: <code>POST /api/v1/auth/oci-auth/login</code> with this identity&apos;s ID and a signed OCI request.
          </p>
        </div>
        {actions}
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
        open={confirmRevoke}
        title="Revoke OCI auth?"
        confirmLabel="Revoke OCI auth"
        pendingLabel="Revoking…"
        pending={revoke.isPending}
        error={revoke.error ? errorInfo(revoke.error).message : null}
        onCancel={() => {
          revoke.reset();
          setConfirmRevoke(false);
        }}
        onConfirm={() => revoke.mutate({ identityId })}
      >
        <p>
          This deletes the OCI auth configuration of <strong>{identity.name}</strong> and revokes every access token issued through it.
          Workloads using those tokens lose access immediately.
        </p>
      </ConfirmDialog>
    </section>
  );
}
