import { SigningKeysView } from "@/components/signing-keys-view";
import { getQueryClient, HydrateClient, serverTrpc } from "@/trpc/query";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Signing keys · OCI Auth" };

export default async function SigningKeysPage() {
  const session = await requireSession("/settings/signing-keys");
  // A refusal (not an admin) is not handed to the browser: it asks again and shows the API's message.
  await getQueryClient().prefetchQuery(serverTrpc.signingKeys.list.queryOptions());
  return (
    <HydrateClient>
      <SigningKeysView session={session} />
    </HydrateClient>
  );
}
