import { describe, expect, it } from "vitest";
import { auditStateFromParams } from "./query-inputs";

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
