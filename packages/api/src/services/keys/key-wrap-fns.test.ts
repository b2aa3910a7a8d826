import { describe, expect, it } from "vitest";
import { deriveRootKey, unwrapKeyMaterial, wrapKeyMaterial } from "./key-wrap-fns";

const SECRET = "a-root-secret-with-at-least-32-characters";

describe("root key derivation", () => {
  it("names the same secret the same way and another secret differently, never with the secret", () => {
    const a = deriveRootKey(SECRET);
    expect(deriveRootKey(SECRET).id).toBe(a.id);
    expect(deriveRootKey(`${SECRET}!`).id).not.toBe(a.id);
    expect(a.id).not.toContain(SECRET.slice(0, 8));
    expect(a.wrapKey).toHaveLength(32);
    expect(a.wrapKey.toString("base64url")).not.toContain(a.id);
  });
});

describe("key wrapping", () => {
  const root = deriveRootKey(SECRET);
  const material = Buffer.from("private key bytes");

  it("opens under the same secret and key id", () => {
    const wrapped = wrapKeyMaterial(root, "kid-1", material);
    expect(wrapped).not.toContain(material.toString("base64url"));
    expect(unwrapKeyMaterial(deriveRootKey(SECRET), "kid-1", wrapped)).toEqual(material);
  });

  it("uses a fresh nonce each time", () => {
    expect(wrapKeyMaterial(root, "kid-1", material)).not.toBe(wrapKeyMaterial(root, "kid-1", material));
  });

  it("does not open under another secret, another key id, or when tampered with", () => {
    const wrapped = wrapKeyMaterial(root, "kid-1", material);
    expect(unwrapKeyMaterial(deriveRootKey("another-root-secret-of-32-characters!!"), "kid-1", wrapped)).toBeNull();
    expect(unwrapKeyMaterial(root, "kid-2", wrapped)).toBeNull();
    const bytes = Buffer.from(wrapped, "base64url");
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(unwrapKeyMaterial(root, "kid-1", bytes.toString("base64url"))).toBeNull();
    expect(unwrapKeyMaterial(root, "kid-1", "short")).toBeNull();
  });
});
