"use client";

import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, splitLink, type TRPCLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import type { AppRouter } from "@ociauth/api";
import { TRPC_BATCH_GROUPS, trpcCallWeight } from "@ociauth/schema";
import { makeQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

function getQueryClient() {
  if (typeof window === "undefined") return makeQueryClient(); // server render: one per request
  return (browserQueryClient ??= makeQueryClient());
}

/** One batch link per call weight, each sending at most what fits the server's batch budget. */
function batchLinkByWeight(): TRPCLink<AppRouter> {
  const links = TRPC_BATCH_GROUPS.map(({ weight, maxItems }) => ({
    weight,
    link: httpBatchLink<AppRouter>({ url: "/api/trpc", maxItems }),
  }));
  return links
    .slice(0, -1)
    .reduceRight(
      (heavier, { weight, link }) => splitLink({ condition: (op) => trpcCallWeight(op.path) === weight, true: link, false: heavier }),
      links.at(-1)!.link,
    );
}

/** Same-origin /api/trpc; the HTTP-only session cookie authenticates (the server checks Origin on mutations). */
export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() => createTRPCClient<AppRouter>({ links: [batchLinkByWeight()] }));
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
