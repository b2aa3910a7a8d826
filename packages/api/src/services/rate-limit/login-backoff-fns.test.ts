import { describe, expect, it } from "vitest";
import { backoffDelaySeconds, backoffKeyOfEmail } from "./login-backoff-fns";

const defaults = { LOGIN_BACKOFF_FREE_ATTEMPTS: 5, LOGIN_BACKOFF_BASE_SECONDS: 1, LOGIN_BACKOFF_MAX_SECONDS: 900 };

describe("backoffDelaySeconds", () => {
  it("no delay for the first free attempts, then 1 s doubling with each failure, capped at 15 minutes", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelaySeconds(n, defaults))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 14, 15].map((n) => backoffDelaySeconds(n, defaults))).toEqual([1, 2, 4, 8, 16, 512, 900]);
    expect(backoffDelaySeconds(10_000, defaults)).toBe(900);
  });

  it("follows the configuration", () => {
    const config = { LOGIN_BACKOFF_FREE_ATTEMPTS: 2, LOGIN_BACKOFF_BASE_SECONDS: 0.5, LOGIN_BACKOFF_MAX_SECONDS: 3 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelaySeconds(n, config))).toEqual([0, 0.5, 1, 2, 3]);
  });
});

describe("backoffKeyOfEmail", () => {
  it("hashes the email, so no address is stored in the clear, and one email is one key", () => {
    expect(backoffKeyOfEmail("a@example.com")).toMatch(/^password-login:[0-9a-f]{64}$/);
    expect(backoffKeyOfEmail("a@example.com")).toBe(backoffKeyOfEmail("a@example.com"));
    expect(backoffKeyOfEmail("a@example.com")).not.toBe(backoffKeyOfEmail("b@example.com"));
    expect(backoffKeyOfEmail("a@example.com")).not.toContain("example");
  });
});
