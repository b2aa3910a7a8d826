import { randomBytes } from "node:crypto";
import { ocidRegionSegment } from "./region-codes.js";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * A random OCID shaped like OCI's, e.g. `ocid1.user.oc1..aaaaaaaa<52 base32 chars>`. Regional
 * ones carry their region as OCI writes it: `region` may be a region name (`us-ashburn-1` →
 * `ocid1.instance.oc1.iad.…`) or the segment itself (`iad`).
 */
export function createTestOcid(resourceType: "tenancy" | "user" | "compartment" | "instance" | "fnfunc", region?: string): string {
  const suffix = Array.from(randomBytes(52), (byte) => BASE32[byte % 32]).join("");
  return `ocid1.${resourceType}.oc1.${region === undefined ? "" : ocidRegionSegment(region)}.aaaaaaaa${suffix}`;
}
