import { OCI_REGION_KEYS } from "@ociauth/schema";
import { Region } from "oci-common";
import { describe, expect, it } from "vitest";

describe("the service's region-key table", () => {
  it("is oci-common's region list: every region with its key, none missing, none invented", () => {
    const fromSdk = Object.fromEntries(
      Object.values(Region)
        .filter((value): value is Region => value instanceof Region)
        .map((region) => [region.regionId, region.regionCode]),
    );
    expect(Object.keys(fromSdk).length).toBeGreaterThan(40);
    expect(OCI_REGION_KEYS).toEqual(fromSdk);
  });
});
