export function Pagination({
  offset,
  limit,
  total,
  onPage,
  label,
  shown,
  truncated = false,
}: {
  offset: number;
  limit: number;
  total: number;
  onPage: (page: number) => void;
  label: string;
  /** Rows on this page, and whether the server's page byte budget stopped it before `limit`. */
  shown?: number;
  truncated?: boolean;
}) {
  if (total === 0) return null;
  const page = Math.floor(offset / limit);
  const pages = Math.max(1, Math.ceil(total / limit));
  const from = Math.min(total, offset + 1);
  const to = Math.min(total, offset + limit);
  return (
    <nav className="pagination" aria-label={`${label} pages`}>
      {truncated && shown !== undefined ? (
        <p className="muted small" role="note">
          This page shows {shown} of its {limit} rows: the rest are over the page size limit (1 MiB). Narrow the search or filters to see
          them.
        </p>
      ) : null}
      <span>
        Showing {from.toLocaleString("en-US")}–{to.toLocaleString("en-US")} of {total.toLocaleString("en-US")}
      </span>
      {pages > 1 ? (
        <span className="pagination-buttons">
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => onPage(page - 1)} disabled={page === 0}>
            Previous
          </button>
          <span className="sr-only">
            Page {page + 1} of {pages}
          </span>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => onPage(page + 1)} disabled={page + 1 >= pages}>
            Next
          </button>
        </span>
      ) : null}
    </nav>
  );
}
