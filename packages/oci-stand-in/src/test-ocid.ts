import { randomBytes } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A random OCID shaped like OCI's, e.g. `ocid1.user.oc1..aaaaaaaa<52 base32 chars>` (regional ones carry the region). */
export function createTestOcid(resourceType: "tenancy" | "user" | "compartment" | "instance" | "fnfunc", region?: string): string {
  const suffix = Array.from(randomBytes(52), (byte) => BASE32[byte % 32]).join("");
  return `ocid1.${resourceType}.oc1.${region ?? ""}.aaaaaaaa${suffix}`;
}
