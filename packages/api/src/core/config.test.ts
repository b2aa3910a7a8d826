import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

describe("REQUEST_TIMEOUT_MS", () => {
  it("defaults to 30 s and takes a number of milliseconds", () => {
    expect(loadConfig({}).REQUEST_TIMEOUT_MS).toBe(30_000);
    expect(loadConfig({ REQUEST_TIMEOUT_MS: "5000" }).REQUEST_TIMEOUT_MS).toBe(5_000);
  });

  it.each([
    ["soon", /REQUEST_TIMEOUT_MS must be a number of milliseconds/],
    ["1.5", /REQUEST_TIMEOUT_MS must be a whole number of milliseconds/],
    ["50", /REQUEST_TIMEOUT_MS must be at least 100/],
    ["3600000", /REQUEST_TIMEOUT_MS must be at most 600000/],
  ])("stops the start on %s with a clear message", (value, message) => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: value })).toThrow(message);
  });
});
