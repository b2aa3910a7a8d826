import { MAX_PAGE_BYTES } from "@ociauth/schema";

/** A list page within the byte budget: its rows, where the next page starts (null: none), whether the budget cut it. */
export interface BudgetedPage<T> {
  rows: T[];
  nextOffset: number | null;
  truncated: boolean;
}

/**
 * The page of `rows` (read from `offset`, at most `limit` of them) that fits MAX_PAGE_BYTES: rows
 * are kept in order while their JSON adds up to the budget; the first row is always kept (each
 * row is bounded on its own by the write-time limits), so a caller always moves on. `total` is
 * how many rows match in all (or, for lists without a count, `offset` + the rows read when one
 * more than `limit` was read).
 */
export function budgetedPage<T>(
  rows: readonly T[],
  { offset, limit, total }: { offset: number; limit: number; total: number },
  budget = MAX_PAGE_BYTES,
): BudgetedPage<T> {
  const candidates = rows.slice(0, limit);
  let bytes = 2; // the brackets of the array
  let kept = 0;
  for (const row of candidates) {
    bytes += Buffer.byteLength(JSON.stringify(row)) + (kept > 0 ? 1 : 0);
    if (kept > 0 && bytes > budget) break;
    kept++;
  }
  const next = offset + kept;
  return { rows: candidates.slice(0, kept), nextOffset: next < total ? next : null, truncated: kept < candidates.length };
}
