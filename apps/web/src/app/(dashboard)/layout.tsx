import Link from "next/link";
import type { ReactNode } from "react";
import { BrandMark } from "@/components/brand";
import { MainNav } from "@/components/main-nav";
import { OrganizationSwitcher } from "@/components/organization-switcher";
import { TRPCReactProvider } from "@/components/trpc";
import { RoleBadge } from "@/components/ui";
import { logoutAction } from "@/auth/actions";
import { dashboardCaller, requireSession } from "@/auth/session";
import "../dashboard.css";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await requireSession("/identities");
  const { organizations } = await (await dashboardCaller()).organizations.list();
  return (
    <div className="dashboard-body">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header">
        <div className="app-header-inner">
          <Link href="/identities" className="brand">
            <BrandMark />
            <span>OCI Auth</span>
          </Link>
          <MainNav />
          <OrganizationSwitcher organizations={organizations} currentId={session.organizationId} />
          <div className="user-menu">
            <span className="user-email" title={session.email}>
              <span className="sr-only">Signed in as </span>
              {session.email}
            </span>
            <RoleBadge role={session.role} />
            <form action={logoutAction}>
              <button type="submit" className="btn btn-sm btn-header">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <TRPCReactProvider>
        <main id="main" className="app-main" tabIndex={-1}>
          {children}
        </main>
      </TRPCReactProvider>
    </div>
  );
}
