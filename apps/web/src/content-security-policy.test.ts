import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "./content-security-policy";

const directive = (policy: string, name: string) =>
  policy
    .split("; ")
    .find((d) => d.startsWith(`${name} `))
    ?.slice(name.length + 1);

describe("contentSecurityPolicy", () => {
  it("allows scripts from this origin or with the request's nonce only: no inline scripts, no eval in production", () => {
    const policy = contentSecurityPolicy("abc123", false);
    expect(directive(policy, "script-src")).toBe("'self' 'nonce-abc123'");
    expect(directive(policy, "default-src")).toBe("'self'");
    expect(directive(policy, "connect-src")).toBe("'self'");
    expect(directive(policy, "frame-ancestors")).toBe("'none'");
    expect(directive(policy, "object-src")).toBe("'none'");
  });

  it("adds eval (React's dev tooling) and the dev server's websocket in development only", () => {
    const policy = contentSecurityPolicy("abc123", true);
    expect(directive(policy, "script-src")).toBe("'self' 'nonce-abc123' 'unsafe-eval'");
    expect(directive(policy, "connect-src")).toBe("'self' ws:");
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, new every time", () => {
    const nonces = Array.from({ length: 100 }, newNonce);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});
