import type { ReactNode } from "react";
import { BrandMark } from "@/components/brand";
import "../dashboard.css";

export default function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <div className="dashboard-body">
      <main className="auth-shell">
        <div className="auth-brand">
          <BrandMark />
          <span>OCI Auth</span>
        </div>
        {children}
      </main>
    </div>
  );
}
