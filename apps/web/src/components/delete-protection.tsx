"use client";

import type { Identity } from "@ociauth/schema";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorInfo } from "./errors";
import { useTRPC } from "./trpc";
import { Alert, Badge } from "./ui";

/** Shown next to a protected identity's name (list and detail page). */
export function DeleteProtectionBadge({ identity }: { identity: Pick<Identity, "hasDeleteProtection"> }) {
  if (!identity.hasDeleteProtection) return null;
  return (
    <Badge tone="info" title="This identity cannot be deleted until delete protection is turned off">
      Delete protection
    </Badge>
  );
}

/** The identity page's switch: on, the API refuses to delete the identity. */
export function DeleteProtectionSection({ identity, canEdit }: { identity: Identity; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.identities.update.mutationOptions({
      onSuccess: async (data) => {
        queryClient.setQueryData(trpc.identities.get.queryKey({ identityId: identity.id }), data);
        await queryClient.invalidateQueries(trpc.identities.list.queryFilter());
      },
    }),
  );
  const on = identity.hasDeleteProtection;
  return (
    <section className="card" aria-labelledby="delete-protection-heading">
      <div className="card-header">
        <div>
          <h2 id="delete-protection-heading">Delete protection</h2>
          <p>While it is on, nobody can delete this identity (the API answers 400). Turn it off first to delete it.</p>
        </div>
      </div>
      <div className="card-body form-stack">
        {update.error ? <Alert tone="danger">{errorInfo(update.error).message}</Alert> : null}
        <label className="checkbox-row" htmlFor="delete-protection-switch">
          <input
            id="delete-protection-switch"
            type="checkbox"
            role="switch"
            checked={on}
            aria-checked={on}
            disabled={!canEdit || update.isPending}
            onChange={(event) => update.mutate({ identityId: identity.id, hasDeleteProtection: event.target.checked })}
          />
          <span>
            Delete protection <span className="muted">({update.isPending ? "saving…" : on ? "on" : "off"})</span>
          </span>
        </label>
      </div>
    </section>
  );
}
