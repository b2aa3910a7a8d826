"use client";

import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { loginPath } from "@/auth/return-to";
import { errorInfo } from "./errors";

/** A failed load: the API's message and what to do next (sign in again, ask for access, retry). */
export function QueryError({ error, what, onRetry }: { error: unknown; what: string; onRetry?: () => void }) {
  const info = errorInfo(error);
  const pathname = usePathname();
  let next: ReactNode;
  if (info.sessionEnded) {
    next = (
      <a className="btn btn-primary btn-sm" href={loginPath(pathname, "expired")}>
        Sign in again
      </a>
    );
  } else if (info.forbidden) {
    next = <span>Your role does not allow this. Ask an admin of your organization for access.</span>;
  } else {
    next = onRetry ? (
      <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
        Try again
      </button>
    ) : null;
  }
  return (
    <div className="alert alert-danger" role="alert">
      <p className="alert-title">Could not load {what}</p>
      <div className="alert-body">
        <p>
          {info.sessionEnded ? "Your session has ended. " : null}
          {info.message}
          {info.network ? " Check that the server is running and your network connection, then try again." : null}
        </p>
        {next ? <div className="alert-actions">{next}</div> : null}
      </div>
    </div>
  );
}
