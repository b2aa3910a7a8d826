import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_LOGIN, loginPath, safeReturnTo } from "./return-to";

describe("safeReturnTo (where /login goes afterwards)", () => {
  it("keeps dashboard paths with their query", () => {
    expect(safeReturnTo("/audit?eventType=login-user&page=2")).toBe("/audit?eventType=login-user&page=2");
    expect(safeReturnTo("/identities/00000000-0000-4000-8000-000000000000")).toBe("/identities/00000000-0000-4000-8000-000000000000");
  });

  it("never leaves the site (open redirects) and never loops back to /login or /setup", () => {
    for (const bad of [
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "\\\\evil.example",
      "javascript:alert(1)",
      "identities",
      "/ident ities",
      "/login",
      "/login?next=/audit",
      "/setup",
      "/api/v1/identities",
      "",
      undefined,
      42,
      `/${"a".repeat(600)}`,
    ]) {
      expect(safeReturnTo(bad), String(bad)).toBe(DEFAULT_AFTER_LOGIN);
    }
  });
});

describe("loginPath", () => {
  it("remembers the page and why the operator is signing in", () => {
    expect(loginPath("/audit")).toBe("/login?next=%2Faudit");
    expect(loginPath("/audit", "expired")).toBe("/login?next=%2Faudit&reason=expired");
    expect(loginPath(undefined, "signed-out")).toBe("/login?reason=signed-out");
    expect(loginPath(DEFAULT_AFTER_LOGIN)).toBe("/login");
    expect(loginPath("//evil.example")).toBe("/login");
  });
});
