import { MAX_PAGE_BYTES } from "@ociauth/schema";
import { describe, expect, it } from "vitest";
import { budgetedPage } from "./page-budget-fns";

const row = (i: number, size: number) => ({ i, text: "x".repeat(size) });

describe("budgetedPage", () => {
  it("a page within the budget is whole; nextOffset says whether more rows match", () => {
    const rows = [row(0, 10), row(1, 10)];
    expect(budgetedPage(rows, { offset: 0, limit: 2, total: 2 })).toEqual({ rows, nextOffset: null, truncated: false });
    expect(budgetedPage(rows, { offset: 40, limit: 2, total: 50 })).toEqual({ rows, nextOffset: 42, truncated: false });
  });

  it("stops before the row that would pass the budget, and says where to go on", () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i, 300_000));
    const page = budgetedPage(rows, { offset: 20, limit: 10, total: 100 });
    expect(page.rows.map((r) => r.i)).toEqual([0, 1, 2]);
    expect(page).toMatchObject({ nextOffset: 23, truncated: true });
    expect(Buffer.byteLength(JSON.stringify(page.rows))).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    // The last page, cut: there is still a next one.
    expect(budgetedPage(rows, { offset: 90, limit: 10, total: 100 })).toMatchObject({ nextOffset: 93, truncated: true });
  });

  it("counts JSON bytes, escapes included", () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ i, text: "\u0001".repeat(60_000) })); // 360 kB each as JSON
    expect(budgetedPage(rows, { offset: 0, limit: 10, total: 10 }).rows).toHaveLength(2);
  });

  it("always keeps the first row, so the caller moves on", () => {
    const page = budgetedPage([row(0, 10), row(1, 10)], { offset: 0, limit: 2, total: 2 }, 5);
    expect(page).toEqual({ rows: [row(0, 10)], nextOffset: 1, truncated: true });
  });

  it("lists without a count read one row more than the limit: it only tells that a next page exists", () => {
    const rows = [row(0, 1), row(1, 1), row(2, 1)];
    expect(budgetedPage(rows, { offset: 0, limit: 2, total: 0 + rows.length })).toEqual({
      rows: rows.slice(0, 2),
      nextOffset: 2,
      truncated: false,
    });
    expect(budgetedPage(rows.slice(0, 2), { offset: 0, limit: 2, total: 2 })).toMatchObject({ nextOffset: null });
  });
});
