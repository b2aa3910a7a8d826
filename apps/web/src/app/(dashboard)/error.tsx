"use client";

import Link from "next/link";
import { useEffect } from "react";

export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error ? String((error as { digest?: unknown }).digest ?? "") : "";
  return (
    <div className="card">
      <div className="card-body">
        <div className="alert alert-danger" role="alert">
          <p className="alert-title">This page could not be loaded</p>
          <div className="alert-body">
            <p>
              Something went wrong on the server. Try again; if it keeps failing, check that the database is reachable and look in the
              server logs{digest ? ` for error ${digest}` : ""}.
            </p>
            <div className="alert-actions">
              <button type="button" className="btn btn-primary btn-sm" onClick={() => retry()}>
                Try again
              </button>
              <Link href="/identities" className="btn btn-secondary btn-sm">
                Go to identities
              </Link>
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}
