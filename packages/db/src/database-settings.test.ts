import { describe, expect, it } from "vitest";
import { databasePoolSize } from "./database-settings";

describe("DATABASE_POOL_SIZE", () => {
  it("defaults to 10 and takes a whole number from 1 to 1000", () => {
    expect(databasePoolSize({})).toBe(10);
    expect(databasePoolSize({ DATABASE_POOL_SIZE: " " })).toBe(10);
    expect(databasePoolSize({ DATABASE_POOL_SIZE: "1" })).toBe(1);
    expect(databasePoolSize({ DATABASE_POOL_SIZE: "1000" })).toBe(1000);
  });

  it.each(["-5", "abc", "0", "2.5", "1e2", "1001"])("refuses %j instead of falling back to the default", (value) => {
    expect(() => databasePoolSize({ DATABASE_POOL_SIZE: value })).toThrow(
      `DATABASE_POOL_SIZE must be a whole number of connections from 1 to 1000, not "${value}"`,
    );
  });
});
