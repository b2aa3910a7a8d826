import { UsersView } from "@/components/users-view";
import { EmptyState, PageHeader } from "@/components/ui";
import { getQueryClient, HydrateClient, serverTrpc } from "@/trpc/query";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Users · OCI Auth" };

export default async function UsersPage() {
  const session = await requireSession("/users");
  if (!session.organizationId) {
    return (
      <>
        <PageHeader title="Users" />
        <EmptyState title="You belong to no organization">
          <p>Ask an admin to add you to their organization.</p>
        </EmptyState>
      </>
    );
  }
  await getQueryClient().prefetchQuery(serverTrpc.users.list.queryOptions({ organizationId: session.organizationId }));
  return (
    <HydrateClient>
      <UsersView session={session} organizationId={session.organizationId} />
    </HydrateClient>
  );
}
