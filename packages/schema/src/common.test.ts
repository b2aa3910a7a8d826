import { describe, expect, it } from "vitest";
import { isStorableText, nameSchema, queryDateSchema } from "./common";

describe("storable text", () => {
  it("refuses NUL characters and lone surrogates, keeps paired ones", () => {
    expect(isStorableText("plain")).toBe(true);
    expect(isStorableText("emoji 😀")).toBe(true);
    expect(isStorableText("nul\u0000")).toBe(false);
    expect(isStorableText("lone \uD800 high")).toBe(false);
    expect(isStorableText("lone \uDC00 low")).toBe(false);
    expect(isStorableText("\uD83D")).toBe(false);
  });

  it("names the field in the message", () => {
    const result = nameSchema("Name").safeParse("a\u0000b");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Name must not contain NUL characters or unpaired surrogates");
  });
});

describe("queryDateSchema", () => {
  it("accepts ISO-8601 datetimes with offsets in years 0001..9999 and keeps the text", () => {
    const schema = queryDateSchema("startDate");
    for (const d of [
      "2024-05-01T12:00:00Z",
      "2024-05-01T12:00:00.123+02:00",
      "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999Z",
      "0001-01-01T00:30:00+00:30",
    ]) {
      expect(schema.parse(d)).toBe(d);
    }
  });

  it.each([
    "0000-01-01T00:00:00Z",
    "0000-12-31T23:59:59Z",
    // Year 1 in local time, year 0 in UTC.
    "0001-01-01T00:00:00+01:00",
    // Year 9999 in local time, year 10000 in UTC.
    "9999-12-31T23:30:00-01:00",
  ])("refuses %s (outside what PostgreSQL and JavaScript both handle) with a clear message", (d) => {
    const result = queryDateSchema("startDate").safeParse(d);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      "startDate must be a date between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (ISO 8601 with Z or an offset)",
    ]);
  });

  it("refuses non-ISO text with the same message", () => {
    for (const text of ["yesterday", "0000-01-01", "2024-05-01T12:00:00"]) {
      const result = queryDateSchema("endDate").safeParse(text);
      expect(result.error?.issues.map((i) => [i.code, i.message])).toEqual([
        ["invalid_format", "endDate must be a date between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (ISO 8601 with Z or an offset)"],
      ]);
    }
  });
});
