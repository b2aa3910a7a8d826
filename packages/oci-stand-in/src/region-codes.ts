/** Regions older than 2019 answer `/opc/v2/instance/region` with a short code (e.g. `iad`); newer ones with their name. */
const SHORT_CODES: Record<string, string> = {
  "us-ashburn-1": "iad",
  "us-phoenix-1": "phx",
  "eu-frankfurt-1": "fra",
  "uk-london-1": "lhr",
};

export function metadataRegion(region: string): string {
  return SHORT_CODES[region] ?? region;
}

export function regionKey(region: string): string {
  return (SHORT_CODES[region] ?? region.split("-")[1]?.slice(0, 3) ?? region).toUpperCase();
}
