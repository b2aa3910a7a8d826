import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { ReactNode } from "react";
import { cache } from "react";
import { makeQueryClient } from "@/components/query-client";
import { api } from "@/server-api";
import { dashboardContext } from "../auth/session";

/** One QueryClient per server request: pages prefetch into it, HydrateClient hands the data to the browser. */
export const getQueryClient = cache(makeQueryClient);

/** tRPC query options on the server, resolved in process with the session cookie's token. */
export const serverTrpc = createTRPCOptionsProxy({
  ctx: () => dashboardContext(),
  router: api.appRouter,
  queryClient: getQueryClient,
});

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
