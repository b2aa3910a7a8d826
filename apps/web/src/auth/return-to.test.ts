import { describe, expect, it } from "vitest";
import { AFTER_LOGIN_FALLBACK, loginPath, safeReturnTo } from "./return-to";

describe("safeReturnTo (where /login goes afterwards)", () => {
  it("keeps dashboard paths with their query and fragment", () => {
    expect(safeReturnTo("/audit?eventType=login-user&page=2")).toBe("/audit?eventType=login-user&page=2");
    expect(safeReturnTo("/identities/00000000-0000-4000-8000-000000000000")).toBe("/identities/00000000-0000-4000-8000-000000000000");
    expect(safeReturnTo("/identities")).toBe("/identities");
    expect(safeReturnTo("/audit?actor=a%2Fb#top")).toBe("/audit?actor=a%2Fb#top"); // encoded slashes in the query are data
  });

  it("answers the path a browser would go to, never the raw value", () => {
    expect(safeReturnTo("/identities/../audit")).toBe("/audit");
    expect(safeReturnTo("/./audit")).toBe("/audit");
    expect(safeReturnTo("/%2e/audit")).toBe("/audit");
    expect(safeReturnTo("/a//b")).toBe("/a//b"); // a double slash after the first segment stays on this site
  });

  const openRedirects = [
    // Spellings that resolve to a path starting with `//`, which a browser re-reads as another host.
    "/.//evil.example",
    "/..//evil.example",
    "/a/..//evil.example",
    "/././/evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "/a/%2e%2e//evil.example",
    "//evil.example/x",
    "///evil.example",
    // Backslashes, which browsers read as slashes.
    "/\\evil.example",
    "\\\\evil.example",
    "/.\\/evil.example",
    // Encoded slashes and backslashes, and double encoding.
    "/%2f/evil.example",
    "/%2F%2Fevil.example",
    "/%5cevil.example",
    "/%5C/evil.example",
    "/%252f/evil.example",
    // Whitespace and control characters, which browsers drop from URLs.
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\u0000/evil.example",
    " //evil.example",
    "/%09/evil.example",
    // Absolute URLs and other schemes.
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
  ];

  it("never leaves the site, whatever the spelling", () => {
    for (const bad of openRedirects) expect(safeReturnTo(bad), JSON.stringify(bad)).toBe(AFTER_LOGIN_FALLBACK);
  });

  it("never loops back to /login, /setup or the API, and refuses what is not a path", () => {
    for (const bad of [
      "identities",
      "/ident ities",
      "/login",
      "/login?next=/audit",
      "/x/../login",
      "/setup",
      "/api/v1/identities",
      "/%2e%2e/api/v1/identities",
      "",
      undefined,
      42,
      `/${"a".repeat(600)}`,
    ]) {
      expect(safeReturnTo(bad), String(bad)).toBe(AFTER_LOGIN_FALLBACK);
    }
  });

  it("what it answers is a path that resolves to itself on any origin", () => {
    for (const value of ["/audit?x=1#y", "/identities/../audit", "/%2e/audit", "/a//b", ...openRedirects]) {
      const target = safeReturnTo(value);
      expect(target.startsWith("/") && !target.startsWith("//"), value).toBe(true);
      const resolved = new URL(target, "https://dashboard.example");
      expect(resolved.origin).toBe("https://dashboard.example");
      expect(resolved.pathname + resolved.search + resolved.hash).toBe(target);
    }
  });
});

describe("loginPath", () => {
  it("remembers the page and why the operator is signing in", () => {
    expect(loginPath("/audit")).toBe("/login?next=%2Faudit");
    expect(loginPath("/audit", "expired")).toBe("/login?next=%2Faudit&reason=expired");
    expect(loginPath(undefined, "signed-out")).toBe("/login?reason=signed-out");
    expect(loginPath(AFTER_LOGIN_FALLBACK)).toBe("/login");
  });

  it("remembers only where the operator may go back to, in its resolved spelling", () => {
    expect(loginPath("//evil.example")).toBe("/login");
    expect(loginPath("/.//evil.example", "expired")).toBe("/login?reason=expired");
    expect(loginPath("/identities/./x")).toBe("/login?next=%2Fidentities%2Fx");
  });
});
