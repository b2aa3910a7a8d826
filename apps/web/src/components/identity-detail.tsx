"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { DashboardSession } from "@/auth/session";
import { AllowedAudiencesSection } from "./allowed-audiences-section";
import { CopyButton } from "./copy-button";
import { DeleteProtectionBadge, DeleteProtectionSection } from "./delete-protection";
import { errorInfo } from "./errors";
import { formatDateTime } from "./format";
import { AuthMethods } from "./identities-view";
import { DeleteIdentityDialog, EditIdentityDialog } from "./identity-dialogs";
import { LoginCommandsSection } from "./login-commands-section";
import { OciAuthSection } from "./oci-auth-section";
import { canManage } from "./permissions";
import { QueryError } from "./query-error";
import { TokenAuthSection } from "./token-auth-section";
import { TokensSection } from "./tokens-section";
import { useTRPC } from "./trpc";
import { Alert, EmptyState, PageHeader, RoleBadge } from "./ui";

function Breadcrumb({ name }: { name: string }) {
  return (
    <ol>
      <li>
        <Link href="/identities">Identities</Link>
      </li>
      <li aria-current="page">{name}</li>
    </ol>
  );
}

export function IdentityDetail({ identityId, session, created }: { identityId: string; session: DashboardSession; created: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const query = useQuery(trpc.identities.get.queryOptions({ identityId }));
  const attached = query.data?.identity.authMethods.includes("oci-auth") ?? false;
  // The same query as the OCI auth section's (one request): the login commands name its tenancy.
  const ociAuth = useQuery({ ...trpc.ociAuth.get.queryOptions({ identityId }), enabled: attached });
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    // "?created=1" is a one-time message: a reload or a shared link should not repeat it.
    if (created) window.history.replaceState(null, "", `/identities/${identityId}`);
  }, [created, identityId]);

  if (query.isPending) {
    return (
      <div role="status" aria-label="Loading the identity">
        <div className="skeleton skeleton-title" />
        <div className="skeleton skeleton-text" />
      </div>
    );
  }
  if (query.isError) {
    const info = errorInfo(query.error);
    return (
      <>
        <PageHeader title="Identity" breadcrumb={<Breadcrumb name="Identity" />} />
        {info.code === "NOT_FOUND" ? (
          <div className="card">
            <EmptyState
              title="This identity does not exist"
              action={
                <Link className="btn btn-primary" href="/identities">
                  Back to identities
                </Link>
              }
            >
              <p>It may have been deleted, or it belongs to another organization.</p>
            </EmptyState>
          </div>
        ) : (
          <QueryError error={query.error} what="this identity" onRetry={() => query.refetch()} />
        )}
      </>
    );
  }

  const { identity } = query.data;
  const canEdit = canManage(session.role, identity.role, "edit");
  const canDelete = canManage(session.role, identity.role, "delete");
  return (
    <>
      <PageHeader
        breadcrumb={<Breadcrumb name={identity.name} />}
        title={
          <>
            <span>{identity.name}</span> <RoleBadge role={identity.role} /> <DeleteProtectionBadge identity={identity} />
          </>
        }
        description={
          <span className="meta-row">
            <span>
              ID <code>{identity.id}</code> <CopyButton value={identity.id} label="Copy ID" className="btn btn-ghost btn-sm" />
            </span>
            <span>Created {formatDateTime(identity.createdAt)}</span>
            <span>Last login {identity.lastLoginTime ? formatDateTime(identity.lastLoginTime) : "never"}</span>
            <span>
              Auth methods <AuthMethods methods={identity.authMethods} />
            </span>
            <span>
              <Link href={`/audit?identity=${identity.id}`}>Audit events of this identity</Link>
            </span>
          </span>
        }
        actions={
          <>
            {canEdit ? (
              <button type="button" className="btn btn-secondary" onClick={() => setEditing(true)}>
                Rename or change role
              </button>
            ) : null}
            {canDelete ? (
              <button type="button" className="btn btn-danger-outline" onClick={() => setDeleting(true)}>
                Delete identity
              </button>
            ) : null}
          </>
        }
      />
      {notice ? (
        <Alert tone="success" role="status">
          {notice}
        </Alert>
      ) : created && !identity.authMethods.includes("oci-auth") ? (
        <Alert tone="success" role="status">
          Identity created. Attach OCI auth below so its workloads can log in.
        </Alert>
      ) : null}
      {!canEdit ? (
        <Alert tone="info">
          {session.role === "admin" || session.role === "member"
            ? "This identity is more privileged than you: you can view it but not change it."
            : "You have read-only access to this identity."}
        </Alert>
      ) : null}
      <DeleteProtectionSection identity={identity} canEdit={canEdit} />
      <OciAuthSection identity={identity} actorRole={session.role} />
      <TokenAuthSection identity={identity} actorRole={session.role} />
      <AllowedAudiencesSection identity={identity} canEdit={canEdit} />
      <LoginCommandsSection
        identityId={identity.id}
        tenancyOcid={attached ? (ociAuth.data?.identityOciAuth.tenancyOcid ?? null) : null}
        principalTypes={(attached ? ociAuth.data?.identityOciAuth.allowedPrincipalTypes : undefined) ?? ["user"]}
      />
      <TokensSection identityId={identity.id} identityName={identity.name} canRevoke={canEdit} />
      <EditIdentityDialog
        identity={editing ? identity : null}
        actorRole={session.role}
        onClose={() => setEditing(false)}
        onSaved={(saved) => {
          setEditing(false);
          setNotice(`Saved ${saved.name}.`);
        }}
      />
      <DeleteIdentityDialog
        identity={deleting ? identity : null}
        onClose={() => setDeleting(false)}
        onDeleted={() => {
          setDeleting(false);
          router.push("/identities");
        }}
      />
    </>
  );
}
