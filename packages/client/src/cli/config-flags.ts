import { CONNECTION_OPTIONS, parseCount } from "./cli-args";

export const AUTHED_OPTIONS = { ...CONNECTION_OPTIONS, token: { type: "string" } } as const;

/** The token rules every auth method shares (OCI auth, Token Auth). */
export const TOKEN_CONFIG_OPTIONS = {
  ...AUTHED_OPTIONS,
  "trusted-ips": { type: "string" },
  ttl: { type: "string" },
  "max-ttl": { type: "string" },
  "num-uses-limit": { type: "string" },
} as const;

export type TokenConfigFlags = { "trusted-ips"?: string; ttl?: string; "max-ttl"?: string; "num-uses-limit"?: string };

/** Only the flags given become fields, so update leaves the others unchanged. */
export function configFromFlags(values: TokenConfigFlags, usage: string) {
  const config: {
    accessTokenTrustedIps?: { ipAddress: string }[];
    accessTokenTTL?: number;
    accessTokenMaxTTL?: number;
    accessTokenNumUsesLimit?: number;
  } = {};
  if (values["trusted-ips"] !== undefined) {
    config.accessTokenTrustedIps = values["trusted-ips"]
      .split(",")
      .map((ip) => ip.trim())
      .filter(Boolean)
      .map((ipAddress) => ({ ipAddress }));
  }
  if (values.ttl !== undefined) config.accessTokenTTL = parseCount("ttl", values.ttl, usage);
  if (values["max-ttl"] !== undefined) config.accessTokenMaxTTL = parseCount("max-ttl", values["max-ttl"], usage);
  if (values["num-uses-limit"] !== undefined)
    config.accessTokenNumUsesLimit = parseCount("num-uses-limit", values["num-uses-limit"], usage);
  return config;
}
