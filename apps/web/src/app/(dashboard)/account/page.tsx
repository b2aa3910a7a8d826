import { ChangePasswordForm } from "@/components/change-password-form";
import { OrganizationId } from "@/components/organization-id";
import { PageHeader, RoleBadge } from "@/components/ui";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Account · OCI Auth" };

export default async function AccountPage() {
  const session = await requireSession("/account");
  return (
    <>
      <PageHeader title="Account" description="Who you are signed in as, and your password." />
      <section className="card" aria-labelledby="account-heading">
        <div className="card-header">
          <h2 id="account-heading">Signed in as</h2>
        </div>
        <div className="card-body">
          <dl className="dl">
            <dt>Email</dt>
            <dd>{session.email}</dd>
            <dt>Role</dt>
            <dd>
              <RoleBadge role={session.role} />
            </dd>
            <dt>Organization</dt>
            <dd>
              <OrganizationId organizationId={session.organizationId} />
            </dd>
          </dl>
        </div>
      </section>
      <section className="card" aria-labelledby="password-heading">
        <div className="card-header">
          <div>
            <h2 id="password-heading">Change my password</h2>
            <p>Your other sessions (other browsers, the CLI) are signed out; this one stays.</p>
          </div>
        </div>
        <div className="card-body">
          <ChangePasswordForm />
        </div>
      </section>
    </>
  );
}
