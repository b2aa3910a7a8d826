import type { AppRouter } from "@ociauth/api";
import { TRPC_BATCH_GROUPS, trpcCallWeight } from "@ociauth/schema";
import { createTRPCClient, httpBatchLink, splitLink, type TRPCClient } from "@trpc/client";
import { toOciAuthError } from "./errors";

export interface OciAuthClientOptions {
  /** Base URL of the service, e.g. http://localhost:3000 */
  url: string;
  /** A Bearer token (identity access token or user session token)… */
  token?: string;
  /** …or a function returning one, called per request (e.g. a session helper). */
  getToken?: () => string | Promise<string>;
  fetch?: typeof fetch;
}

const CALLS = new Set(["query", "mutate"]);

/** Wraps every procedure call so failures reject with OciAuthError (types are unchanged). */
function withOciAuthErrors<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver) as unknown;
      if (typeof key === "string" && CALLS.has(key) && typeof value === "function") {
        return (...args: unknown[]) =>
          (value as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
            throw toOciAuthError(error);
          });
      }
      return value !== null && (typeof value === "object" || typeof value === "function") ? withOciAuthErrors(value as object) : value;
    },
  });
}

/** A fully typed tRPC client of the service's router (types come from the router itself). */
export function createOciAuthClient(options: OciAuthClientOptions): TRPCClient<AppRouter> {
  const base = options.url.replace(/\/+$/, "");
  // One batch link per call weight, each sending at most what fits the server's batch budget.
  const batchLinks = TRPC_BATCH_GROUPS.map(({ weight, maxItems }) => ({
    weight,
    link: httpBatchLink<AppRouter>({
      url: `${base}/api/trpc`,
      maxItems,
      fetch: options.fetch,
      async headers() {
        const token = options.getToken ? await options.getToken() : options.token;
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    }),
  }));
  const link = batchLinks
    .slice(0, -1)
    .reduceRight(
      (heavier, { weight, link }) => splitLink({ condition: (op) => trpcCallWeight(op.path) === weight, true: link, false: heavier }),
      batchLinks.at(-1)!.link,
    );
  const client = createTRPCClient<AppRouter>({ links: [link] });
  return withOciAuthErrors(client);
}

export type OciAuthClient = ReturnType<typeof createOciAuthClient>;
