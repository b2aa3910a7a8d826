import { describe, expect, it } from "vitest";
import {
  auditListInput,
  auditParamsFromState,
  auditStateFromParams,
  identitiesStateFromParams,
  tokenFilterFromParams,
} from "./query-inputs";

describe("auditStateFromParams", () => {
  it("keeps valid filters", () => {
    const { filters, page } = auditStateFromParams({
      actorId: " abc ",
      from: "2024-01-01T00:00:00Z",
      to: "2024-02-01T00:00:00Z",
      page: "2",
    });
    expect(filters).toEqual({ actorId: "abc", startDate: "2024-01-01T00:00:00Z", endDate: "2024-02-01T00:00:00Z" });
    expect(page).toBe(1);
  });

  it("ignores what the API would refuse (NUL in actorId, dates outside years 0001..9999)", () => {
    const { filters } = auditStateFromParams({ actorId: "a\u0000b", from: "0000-01-01T00:00:00Z", to: "9999-12-31T23:30:00-01:00" });
    expect(filters).toEqual({});
  });
});

describe("URL state of the lists", () => {
  const identity = "2ad9bace-4fec-4c2d-9734-a0cfbc226a00";

  it("audit: the target identity filter round-trips through the URL; a malformed id is ignored", () => {
    const { filters, page } = auditStateFromParams({ identity, eventType: "update-identity", page: "3" });
    expect(filters).toEqual({ targetIdentityId: identity, eventType: "update-identity" });
    expect(auditParamsFromState(filters, page)).toBe(`eventType=update-identity&identity=${identity}&page=3`);
    expect(auditListInput(null, filters, page)).toMatchObject({ targetIdentityId: identity, offset: 50 });
    expect(auditStateFromParams({ identity: "nope" }).filters).toEqual({});
  });

  it("identities: search and page; junk falls back to the first page and no search", () => {
    expect(identitiesStateFromParams({ q: " ci ", page: "2" })).toEqual({ search: "ci", page: 1 });
    expect(identitiesStateFromParams({ q: "a\u0000", page: "0" })).toEqual({ search: "", page: 0 });
    expect(identitiesStateFromParams({ q: "x".repeat(256), page: "1.5" })).toEqual({ search: "", page: 0 });
  });

  it("tokens: active or revoked, else all", () => {
    expect(tokenFilterFromParams({ tokens: "active" })).toBe("active");
    expect(tokenFilterFromParams({ tokens: "revoked" })).toBe("revoked");
    expect(tokenFilterFromParams({ tokens: "expired" })).toBe("all");
    expect(tokenFilterFromParams({})).toBe("all");
  });
});
