import { AuditDevicesView } from "@/components/audit-devices-view";
import { getQueryClient, HydrateClient, serverTrpc } from "@/trpc/query";
import { requireSession } from "@/auth/session";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit devices · OCI Auth" };

export default async function AuditDevicesPage() {
  await requireSession("/settings/audit-devices");
  // A refusal (not an admin) is not handed to the browser: it asks again and shows the API's message.
  await getQueryClient().prefetchQuery(serverTrpc.auditDevices.list.queryOptions());
  return (
    <HydrateClient>
      <AuditDevicesView />
    </HydrateClient>
  );
}
