"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

export type UrlParams = Record<string, string | undefined>;

/**
 * A page's filters, search and page number kept in its URL: a reload shows the same view, and
 * back/forward step through the views. `set` merges the given keys (undefined removes one) and
 * pushes a history entry, or replaces the current one (typing in a search box).
 */
export function useUrlParams(): [UrlParams, (next: UrlParams, mode?: "push" | "replace") => void] {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const params = useMemo(() => Object.fromEntries(searchParams.entries()) as UrlParams, [searchParams]);
  const set = useCallback(
    (next: UrlParams, mode: "push" | "replace" = "push") => {
      const merged = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(next)) {
        if (value === undefined || value === "") merged.delete(key);
        else merged.set(key, value);
      }
      const query = merged.toString();
      const href = query ? `${pathname}?${query}` : pathname;
      if (href === `${window.location.pathname}${window.location.search}`) return;
      // Next's router follows these calls: useSearchParams() sees the new URL.
      if (mode === "push") window.history.pushState(null, "", href);
      else window.history.replaceState(null, "", href);
    },
    [pathname],
  );
  return [params, set];
}
