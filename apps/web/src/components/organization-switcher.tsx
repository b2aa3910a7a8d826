"use client";

import type { OrganizationListEntry } from "@ociauth/schema";
import { usePathname } from "next/navigation";
import { switchOrganizationAction } from "@/auth/actions";

/**
 * The header's organization switcher: choosing an organization submits the form (a server action
 * that remembers the choice in a cookie), and every page then shows that organization.
 */
export function OrganizationSwitcher({
  organizations,
  currentId,
}: {
  organizations: Pick<OrganizationListEntry, "id" | "name" | "slug">[];
  currentId: string | null;
}) {
  const pathname = usePathname();
  if (organizations.length === 0) return null;
  return (
    <form action={switchOrganizationAction} className="org-switcher">
      <input type="hidden" name="returnTo" value={pathname} />
      <label htmlFor="org-switcher" className="sr-only">
        Organization
      </label>
      <select
        id="org-switcher"
        name="organizationId"
        className="select org-switcher-select"
        data-testid="org-switcher"
        defaultValue={currentId ?? undefined}
        onChange={(event) => event.currentTarget.form?.requestSubmit()}
      >
        {organizations.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name} ({org.slug})
          </option>
        ))}
      </select>
      <button type="submit" className="sr-only">
        Switch organization
      </button>
    </form>
  );
}
