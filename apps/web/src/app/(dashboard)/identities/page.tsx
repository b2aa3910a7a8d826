import { IdentitiesView } from "@/components/identities-view";
import { identitiesListInput } from "@/components/query-inputs";
import { getQueryClient, HydrateClient, serverTrpc } from "@/trpc/query";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Identities · OCI Auth" };

export default async function IdentitiesPage() {
  const session = await requireSession("/identities");
  await getQueryClient().prefetchQuery(serverTrpc.identities.list.queryOptions(identitiesListInput("", 0)));
  return (
    <HydrateClient>
      <IdentitiesView session={session} />
    </HydrateClient>
  );
}
