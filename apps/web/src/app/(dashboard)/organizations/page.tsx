import { OrganizationsView } from "@/components/organizations-view";
import { getQueryClient, HydrateClient, serverTrpc } from "@/trpc/query";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Organizations · OCI Auth" };

export default async function OrganizationsPage() {
  const session = await requireSession("/organizations");
  await getQueryClient().prefetchQuery(serverTrpc.organizations.list.queryOptions());
  return (
    <HydrateClient>
      <OrganizationsView session={session} />
    </HydrateClient>
  );
}
