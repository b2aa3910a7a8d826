"use client";

import type { SigningKeyView } from "@ociauth/schema";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { DashboardSession } from "@/auth/session";
import { ConfirmDialog } from "./dialog";
import { errorInfo } from "./errors";
import { formatDateTime } from "./format";
import { QueryError } from "./query-error";
import { useTRPC } from "./trpc";
import { Alert, Badge, EmptyState, PageHeader, SkeletonRows, Spinner } from "./ui";

const STATES: Record<SigningKeyView["state"], { label: string; tone: "success" | "info" | "neutral"; title: string }> = {
  signing: { label: "Signing", tone: "success", title: "New tokens are signed with this key" },
  published: { label: "Published", tone: "info", title: "No longer signs; published while tokens it signed are still valid" },
  retired: { label: "Retired", tone: "neutral", title: "Every token it signed has expired or been revoked; no longer published" },
};

const plural = (count: number, word: string) => `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;

/** The instance's token signing keys (admins of any organization see them) and on-demand rotation. */
export function SigningKeysView({ session }: { session: DashboardSession }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.signingKeys.list.queryOptions());
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const rotate = useMutation(
    trpc.signingKeys.rotate.mutationOptions({
      onSuccess: async ({ key }) => {
        setConfirming(false);
        setNotice(
          `Rotated: new tokens are now signed with key ${key.kid}. The previous key stays published while tokens it signed are still valid.`,
        );
        await queryClient.invalidateQueries(trpc.signingKeys.list.queryFilter());
      },
    }),
  );
  const isAdmin = session.role === "admin";
  const keys = list.data?.keys ?? [];
  const signing = keys.find((key) => key.state === "signing");

  return (
    <>
      <PageHeader
        title="Signing keys"
        description="The keys that sign the access tokens and sessions this service issues. They belong to the whole instance, not to one organization."
        actions={
          isAdmin ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                setNotice(null);
                rotate.reset();
                setConfirming(true);
              }}
            >
              Rotate signing key
            </button>
          ) : null
        }
      />
      {notice ? (
        <Alert tone="success" role="status">
          {notice}
        </Alert>
      ) : null}
      <section className="card" aria-labelledby="signing-keys-heading">
        <div className="card-header">
          <div>
            <h2 id="signing-keys-heading">Keys</h2>
            <p>
              Newest first. Other services verify tokens with the published public keys at{" "}
              <a href="/.well-known/jwks.json">
                <code>/.well-known/jwks.json</code>
              </a>
              ; private keys are stored encrypted and never shown.
            </p>
          </div>
          <div className="card-actions">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => list.refetch()} disabled={list.isFetching}>
              {list.isFetching && !list.isPending ? <Spinner label="Refreshing" /> : null} Refresh
            </button>
          </div>
        </div>
        {list.isPending ? (
          <SkeletonRows rows={2} label="Loading signing keys" />
        ) : list.isError && !list.data ? (
          <div className="card-body">
            <QueryError error={list.error} what="the signing keys" onRetry={() => list.refetch()} />
          </div>
        ) : keys.length === 0 ? (
          <EmptyState title="No signing key yet">
            <p>The service creates one when it starts.</p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Signing keys">
              <thead>
                <tr>
                  <th scope="col">Key ID (kid)</th>
                  <th scope="col">Algorithm</th>
                  <th scope="col">Created</th>
                  <th scope="col">State</th>
                  <th scope="col">Tokens still valid</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.kid} data-kid={key.kid}>
                    <td className="col-primary" data-label="Key ID">
                      <code className="mono">{key.kid}</code>
                    </td>
                    <td data-label="Algorithm">{key.alg}</td>
                    <td data-label="Created">{formatDateTime(key.createdAt)}</td>
                    <td data-label="State">
                      <Badge tone={STATES[key.state].tone} title={STATES[key.state].title}>
                        {STATES[key.state].label}
                      </Badge>
                    </td>
                    <td data-label="Tokens still valid">{key.liveTokens.toLocaleString("en-US")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="rotation-heading">
        <div className="card-header">
          <div>
            <h2 id="rotation-heading">What rotation does</h2>
          </div>
        </div>
        <div className="card-body">
          <p>
            Rotating creates a new key: from then on every new token and session is signed with it, on every instance within a second.
            Nothing stops working: tokens signed with an older key stay valid until they expire or are revoked, and that key stays published
            so other services can still verify them. Once the last of them has ended, the key is retired and no longer published.
          </p>
          <p>
            The service also rotates by itself every <code>SIGNING_KEY_ROTATION_DAYS</code> days (30 by default). Rotate now when a key may
            have been exposed; revoke the tokens it signed as well if they must stop working at once.
          </p>
          {!isAdmin ? <p className="muted">Only admins can rotate the signing key.</p> : null}
        </div>
      </section>
      <ConfirmDialog
        open={confirming}
        title="Rotate the signing key?"
        confirmLabel="Rotate signing key"
        pendingLabel="Rotating…"
        tone="primary"
        pending={rotate.isPending}
        error={rotate.error ? errorInfo(rotate.error).message : null}
        onCancel={() => {
          rotate.reset();
          setConfirming(false);
        }}
        onConfirm={() => rotate.mutate()}
      >
        <p>
          New tokens will be signed with a new key.{" "}
          {signing ? (
            <>
              The current key <code>{signing.kid}</code> stays published while the {plural(signing.liveTokens, "token")} it signed
              {signing.liveTokens === 1 ? " is" : " are"} still valid.
            </>
          ) : (
            "Keys that signed tokens still in use stay published until those tokens end."
          )}
        </p>
      </ConfirmDialog>
    </>
  );
}
