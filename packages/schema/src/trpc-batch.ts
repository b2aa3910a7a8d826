import { MAX_TRPC_BATCH_CALLS, MAX_TRPC_BATCH_WEIGHT, TRPC_CALL_WEIGHT } from "./limits";

/**
 * The tRPC procedures that weigh more than TRPC_CALL_WEIGHT.standard, by procedure name: the
 * weights the operation table declares (a test keeps the two equal), here so that the typed
 * clients can split their batches without loading server code.
 */
export const TRPC_HEAVY_PROCEDURES: Readonly<Record<string, number>> = {
  "ociAuth.login": TRPC_CALL_WEIGHT.login,
  "ociAuth.loginPrincipal": TRPC_CALL_WEIGHT.login,
  "identities.list": TRPC_CALL_WEIGHT.list,
  "identities.search": TRPC_CALL_WEIGHT.list,
  "tokens.list": TRPC_CALL_WEIGHT.list,
  "tokenAuth.listTokens": TRPC_CALL_WEIGHT.list,
  "bootstrap.setup": TRPC_CALL_WEIGHT.login,
  "auth.login": TRPC_CALL_WEIGHT.login,
  "users.list": TRPC_CALL_WEIGHT.list,
  "users.add": TRPC_CALL_WEIGHT.login,
  "users.resetPassword": TRPC_CALL_WEIGHT.login,
  "users.changePassword": TRPC_CALL_WEIGHT.login,
  "organizations.addUser": TRPC_CALL_WEIGHT.login,
  "audit.list": TRPC_CALL_WEIGHT.list,
};

/** A procedure's weight; a name that is no procedure weighs as a plain call. */
export const trpcCallWeight = (procedure: string): number =>
  Object.hasOwn(TRPC_HEAVY_PROCEDURES, procedure) ? TRPC_HEAVY_PROCEDURES[procedure]! : TRPC_CALL_WEIGHT.standard;

/**
 * How a typed client batches: one batch link per weight, each carrying at most as many calls of
 * that weight as fit the batch budget (and the call cap), so no batch it sends is refused.
 */
export const TRPC_BATCH_GROUPS: readonly { weight: number; maxItems: number }[] = [...new Set(Object.values(TRPC_CALL_WEIGHT))]
  .sort((a, b) => a - b)
  .map((weight) => ({ weight, maxItems: Math.min(MAX_TRPC_BATCH_CALLS, Math.floor(MAX_TRPC_BATCH_WEIGHT / weight)) }));
