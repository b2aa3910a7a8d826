/** What the service accepts as the signed host: identity.<region>.oraclecloud.com (the login's SSRF guard). */
export const OCI_REGION_PATTERN = /^[a-z]{2}-[a-z]+-[1-9]$/;

/** Throws a TypeError naming the expected format when `region` is not an OCI region identifier. */
export function assertOciRegion(region: string): void {
  if (!OCI_REGION_PATTERN.test(region)) {
    throw new TypeError(
      `Invalid OCI region ${JSON.stringify(region)}: expected a region identifier such as us-ashburn-1 or eu-frankfurt-1 ` +
        "(lowercase <area>-<city>-<number>, not a region key like IAD).",
    );
  }
}

export function ociIdentityHost(region: string): string {
  assertOciRegion(region);
  return `identity.${region}.oraclecloud.com`;
}
