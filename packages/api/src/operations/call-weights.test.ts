import { MAX_TRPC_BATCH_CALLS, MAX_TRPC_BATCH_WEIGHT, TRPC_BATCH_GROUPS, TRPC_CALL_WEIGHT, TRPC_HEAVY_PROCEDURES } from "@ociauth/schema";
import { describe, expect, it } from "vitest";
import { batchWeight, trpcCallNames } from "../http/trpc-handler";
import { operationList } from "./index";

describe("the weights of tRPC calls", () => {
  it("are the same in the clients' table (@ociauth/schema) as in the operation table", () => {
    const declared = Object.fromEntries(
      operationList
        .filter(({ operation }) => operation.weight !== TRPC_CALL_WEIGHT.standard)
        .map(({ name, operation }) => [name, operation.weight]),
    );
    expect(TRPC_HEAVY_PROCEDURES).toEqual(declared);
  });

  it("make lists and logins heavier than plain calls", () => {
    const weight = (name: string) => operationList.find((o) => o.name === name)!.operation.weight;
    for (const name of ["identities.list", "identities.search", "audit.list", "auth.login", "ociAuth.login", "users.changePassword"]) {
      expect(weight(name)).toBeGreaterThan(weight("identities.get"));
    }
  });

  it("let each client batch group fit the budget and the call cap", () => {
    for (const { weight, maxItems } of TRPC_BATCH_GROUPS) {
      expect(weight * maxItems).toBeLessThanOrEqual(MAX_TRPC_BATCH_WEIGHT);
      expect(maxItems).toBeLessThanOrEqual(MAX_TRPC_BATCH_CALLS);
      expect(maxItems).toBeGreaterThanOrEqual(1);
    }
    expect(TRPC_BATCH_GROUPS.map((g) => g.weight).sort()).toEqual([...new Set(operationList.map((o) => o.operation.weight))].sort());
  });

  it("are summed over the names tRPC reads: percent-decoded, split on commas; unknown names weigh as plain calls", () => {
    expect(trpcCallNames("/api/trpc/audit.export%2Caudit%2Eexport,auth.me")).toEqual(["audit.export", "audit.export", "auth.me"]);
    expect(trpcCallNames("/api/trpc/")).toEqual([]);
    expect(trpcCallNames("/api/trpc/%E0%A4%A")).toEqual([]);
    expect(batchWeight(["auth.login", "identities.list", "auth.me", "no.such"])).toBe(
      TRPC_CALL_WEIGHT.login + TRPC_CALL_WEIGHT.list + 2 * TRPC_CALL_WEIGHT.standard,
    );
  });
});
