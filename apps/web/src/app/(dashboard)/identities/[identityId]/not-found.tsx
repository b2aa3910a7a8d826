import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui";

export default function IdentityNotFound() {
  return (
    <>
      <PageHeader
        title="Identity not found"
        breadcrumb={
          <ol>
            <li>
              <Link href="/identities">Identities</Link>
            </li>
            <li aria-current="page">Not found</li>
          </ol>
        }
      />
      <div className="card">
        <EmptyState
          title="There is no identity at this address"
          action={
            <Link className="btn btn-primary" href="/identities">
              Back to identities
            </Link>
          }
        >
          <p>It may have been deleted, the link may be mistyped, or the identity belongs to another organization.</p>
        </EmptyState>
      </div>
    </>
  );
}
