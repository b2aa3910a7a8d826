import { IdentitiesView } from "@/components/identities-view";
import { identitiesListInput, identitiesStateFromParams } from "@/components/query-inputs";
import { getQueryClient, HydrateClient, serverTrpc } from "@/trpc/query";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Identities · OCI Auth" };

export default async function IdentitiesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession("/identities");
  const { search, page } = identitiesStateFromParams(await searchParams);
  await getQueryClient().prefetchQuery(serverTrpc.identities.list.queryOptions(identitiesListInput(session.organizationId, search, page)));
  return (
    <HydrateClient>
      <IdentitiesView session={session} />
    </HydrateClient>
  );
}
