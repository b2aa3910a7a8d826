import { Region } from "oci-common";

/** OCI's regions by name, from oci-common (the SDK the stand-in imitates). */
const REGIONS = new Map(
  Object.values(Region)
    .filter((value): value is Region => value instanceof Region)
    .map((region) => [region.regionId, region]),
);

/** Regions older than 2019 answer `/opc/v2/instance/region` with their key (e.g. `iad`); newer ones with their name. */
const SHORT_CODE_REGIONS = new Set(["us-ashburn-1", "us-phoenix-1", "eu-frankfurt-1", "uk-london-1"]);

export function metadataRegion(region: string): string {
  return SHORT_CODE_REGIONS.has(region) ? regionKey(region).toLowerCase() : region;
}

/** The region key, upper case as the metadata service writes it (e.g. `IAD`). */
export function regionKey(region: string): string {
  return (REGIONS.get(region)?.regionCode ?? region.split("-")[1]?.slice(0, 3) ?? region).toUpperCase();
}

/**
 * The region segment OCI writes into the OCIDs of a region's resources (`ocid1.instance.oc1.<segment>.…`):
 * the lower-case region key. A name oci-common does not know is used as it is.
 */
export function ocidRegionSegment(region: string): string {
  return REGIONS.get(region)?.regionCode?.toLowerCase() ?? region;
}

/**
 * Throws unless `ocid` carries `region` (its key or its name), as OCI's regional OCIDs do:
 * a test principal must not claim one region in its OCID and sign from another.
 */
export function assertOcidInRegion(ocid: string, region: string): void {
  const segment = ocid.split(".")[3];
  if (segment !== ocidRegionSegment(region) && segment !== region) {
    throw new Error(
      `${ocid} does not carry the region of ${region}: OCI writes its region key into the OCID (ocid1.<type>.oc1.${ocidRegionSegment(region)}.<unique>)`,
    );
  }
}
