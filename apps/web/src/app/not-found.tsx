import Link from "next/link";
import { BrandMark } from "@/components/brand";
import "./dashboard.css";

export const metadata = { title: "Not found · OCI Auth" };

export default function NotFound() {
  return (
    <div className="dashboard-body">
      <main className="auth-shell">
        <div className="auth-brand">
          <BrandMark />
          <span>OCI Auth</span>
        </div>
        <section className="auth-card" aria-labelledby="not-found-title">
          <h1 id="not-found-title">Page not found</h1>
          <p className="lead">There is nothing at this address. Check the link, or start from the dashboard.</p>
          <div className="form-actions">
            <Link href="/identities" className="btn btn-primary">
              Go to identities
            </Link>
            <a href="/api-docs" className="btn btn-secondary">
              API reference
            </a>
          </div>
        </section>
      </main>
    </div>
  );
}
