import { AuditView } from "@/components/audit-view";
import { actorChoicesInput, auditListInput, auditStateFromParams } from "@/components/query-inputs";
import { getQueryClient, HydrateClient, serverTrpc } from "@/trpc/query";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit log · OCI Auth" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const { filters, page } = auditStateFromParams(params);
  const session = await requireSession("/audit");
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(serverTrpc.audit.list.queryOptions(auditListInput(session.organizationId, filters, page))),
    queryClient.prefetchQuery(serverTrpc.identities.list.queryOptions(actorChoicesInput(session.organizationId))),
  ]);
  return (
    <HydrateClient>
      <AuditView session={session} />
    </HydrateClient>
  );
}
