import { describe, expect, it } from "vitest";
import { OCI_REGION_KEYS, regionOfOcid } from "./oci-regions";

describe("regionOfOcid: the region an OCID carries", () => {
  it.each([
    ["ocid1.instance.oc1.iad.aaaaaaaaexample", "us-ashburn-1"],
    ["ocid1.instance.oc1.fra.aaaaaaaaexample", "eu-frankfurt-1"],
    ["ocid1.fnfunc.oc1.phx.aaaaaaaaexample", "us-phoenix-1"],
    ["ocid1.instance.oc1.ap-mumbai-1.aaaaaaaaexample", "ap-mumbai-1"],
    ["ocid1.instance.oc1.IAD.aaaaaaaaexample", "us-ashburn-1"],
  ])("%s → %s", (ocid, region) => expect(regionOfOcid(ocid)).toBe(region));

  it.each([
    "ocid1.user.oc1..aaaaaaaaexample",
    "ocid1.tenancy.oc1..aaaaaaaaexample",
    "ocid1.instance.oc1.xyz.aaaaaaaaexample",
    "ocid1.instance.oc1.mars-base-1.aaaaaaaaexample",
    "ocid1.instance.oc1.iad",
    "ocid2.instance.oc1.iad.aaaaaaaaexample",
    "ocid1.instance.oc1.constructor.aaaaaaaaexample",
    "ocid1.instance.oc1.__proto__.aaaaaaaaexample",
    "not an ocid",
    "",
  ])("%s names no known region", (ocid) => expect(regionOfOcid(ocid)).toBeNull());

  it("keys are unique lower-case codes", () => {
    const keys = Object.values(OCI_REGION_KEYS);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-z]{3}$/);
  });
});
