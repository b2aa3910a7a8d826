import { describe, expect, it } from "vitest";
import { isApiPath, normalisePath } from "./normalise-path";

describe("normalisePath", () => {
  it.each([
    ["/api/v1/auth/login", "/api/v1/auth/login"],
    ["/api/./v1/auth/login", "/api/v1/auth/login"],
    ["/x/../api/v1/auth/login", "/api/v1/auth/login"],
    ["/x/%2e%2e/api/v1/auth/login", "/api/v1/auth/login"],
    ["/x/%2E%2E/api/trpc/auth.login", "/api/trpc/auth.login"],
    ["//api//v1///identities", "/api/v1/identities"],
    ["/api%2Fv1%2Fidentities", "/api/v1/identities"],
    ["/api%2fv1/identities", "/api/v1/identities"],
    ["/api\\v1\\identities", "/api/v1/identities"],
    ["/api/./trpc/auth.login", "/api/trpc/auth.login"],
    ["/../../api/v1/identities", "/api/v1/identities"],
    ["/x/%252e%252e/api", "/x/%252e%252e/api"],
    ["http://evil.example/api/./v1/identities", "/api/v1/identities"],
    ["/identities/abc", "/identities/abc"],
  ])("%s → %s", (target, expected) => {
    expect(normalisePath(target)?.pathname).toBe(expected);
  });

  it("keeps the query string", () => {
    expect(normalisePath("/api/./v1/identities?search=a&limit=2")).toEqual({ pathname: "/api/v1/identities", search: "?search=a&limit=2" });
  });

  it("refuses a target that is not a path", () => {
    expect(normalisePath("*")).toBeNull();
    expect(normalisePath("http://[bad")).toBeNull();
  });

  it("tells API paths apart", () => {
    expect(isApiPath("/api")).toBe(true);
    expect(isApiPath("/api/v2/anything")).toBe(true);
    expect(isApiPath("/api-docs")).toBe(false);
    expect(isApiPath("/apis")).toBe(false);
  });
});
