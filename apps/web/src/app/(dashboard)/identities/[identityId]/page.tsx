import { identityIdParamsSchema } from "@ociauth/schema";
import { api } from "@/server-api";
import { notFound } from "next/navigation";
import { IdentityDetail } from "@/components/identity-detail";
import { tokenFilterFromParams, tokensListInput } from "@/components/query-inputs";
import { getQueryClient, HydrateClient, serverTrpc } from "@/trpc/query";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Identity · OCI Auth" };

export default async function IdentityPage({
  params,
  searchParams,
}: {
  params: Promise<{ identityId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { identityId } = await params;
  const session = await requireSession(`/identities/${identityId}`);
  if (!identityIdParamsSchema.safeParse({ identityId }).success) notFound();

  const queryClient = getQueryClient();
  let attached = false;
  let missing = false;
  try {
    const { identity } = await queryClient.fetchQuery(serverTrpc.identities.get.queryOptions({ identityId }));
    attached = identity.authMethods.includes("oci-auth");
    // The dashboard shows one organization at a time (the header's choice): another one's identity is not here.
    missing = identity.organizationId !== session.organizationId;
  } catch (error) {
    // Other failures (e.g. no access) are shown by the client with the API's message.
    missing = error instanceof api.TRPCError && error.code === "NOT_FOUND";
  }
  if (missing) notFound();
  const query = await searchParams;
  await Promise.all([
    attached ? queryClient.prefetchQuery(serverTrpc.ociAuth.get.queryOptions({ identityId })) : null,
    queryClient.prefetchQuery(serverTrpc.tokens.list.queryOptions(tokensListInput(identityId, tokenFilterFromParams(query)))),
  ]);
  const created = query.created === "1";
  return (
    <HydrateClient>
      <IdentityDetail identityId={identityId} session={session} created={created} />
    </HydrateClient>
  );
}
