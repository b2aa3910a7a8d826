"use client";

import { CopyButton } from "./copy-button";

/** The organization's ID with a copy button: the REST API's paths and the CLI's --org-id need it. */
export function OrganizationId({ organizationId }: { organizationId: string | null }) {
  if (!organizationId) return <span className="muted">You belong to no organization.</span>;
  return (
    <span className="org-id">
      Organization ID <code data-testid="organization-id">{organizationId}</code>{" "}
      <CopyButton value={organizationId} label="Copy organization ID" className="btn btn-ghost btn-sm" />
    </span>
  );
}
