import type { OciAuthClient } from "../create-client";
import { describeAllowedWorkloads } from "@ociauth/schema";
import type { OciAuthError } from "../errors";

export type IdentityOciAuth = Awaited<ReturnType<OciAuthClient["ociAuth"]["get"]["query"]>>["identityOciAuth"];
export type IdentityTokenAuth = Awaited<ReturnType<OciAuthClient["tokenAuth"]["get"]["query"]>>["identityTokenAuth"];
export type TokenAuthToken = Awaited<ReturnType<OciAuthClient["tokenAuth"]["listTokens"]["query"]>>["tokens"][number];

/** "key:  value" lines with aligned values. */
export function formatTable(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([key]) => key.length)) + 1;
  return rows.map(([key, value]) => `${`${key}:`.padEnd(width)}  ${value}`).join("\n");
}

export const formatJson = (value: unknown) => JSON.stringify(value, null, 2);

function seconds(value: number, zeroMeaning: string): string {
  if (value === 0) return `0 (${zeroMeaning})`;
  const units: [number, string][] = [
    [86400, "d"],
    [3600, "h"],
    [60, "m"],
  ];
  const unit = units.find(([size]) => value >= size && value % size === 0);
  return unit ? `${value} (${value / unit[0]}${unit[1]})` : String(value);
}

/** The token rules both auth methods share, as table rows. */
function tokenRules(config: IdentityTokenAuth): [string, string][] {
  const ips = config.accessTokenTrustedIps.map((ip) => (ip.prefix === undefined ? ip.ipAddress : `${ip.ipAddress}/${ip.prefix}`));
  return [
    ["accessTokenTrustedIps", ips.join(", ")],
    ["accessTokenTTL", seconds(config.accessTokenTTL, "bounded by the max TTL only")],
    ["accessTokenMaxTTL", seconds(config.accessTokenMaxTTL, "none")],
    ["accessTokenNumUsesLimit", config.accessTokenNumUsesLimit === 0 ? "0 (unlimited)" : String(config.accessTokenNumUsesLimit)],
  ];
}

export function formatTokenAuth(config: IdentityTokenAuth): string {
  return formatTable([
    ["identityId", config.identityId],
    ...tokenRules(config),
    ["id", config.id],
    ["createdAt", config.createdAt],
    ["updatedAt", config.updatedAt],
  ]);
}

/** One line per token: id, name, state, uses, creation and expiry. */
export function formatTokenAuthTokens(tokens: TokenAuthToken[]): string {
  if (tokens.length === 0) return "No tokens.";
  const rows = tokens.map((t) => [
    t.id,
    t.name || "(unnamed)",
    t.isAccessTokenRevoked ? "revoked" : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? "expired" : "active",
    t.accessTokenNumUsesLimit === 0 ? String(t.accessTokenNumUses) : `${t.accessTokenNumUses}/${t.accessTokenNumUsesLimit}`,
    t.createdAt,
    t.expiresAt ?? "never",
  ]);
  const header = ["ID", "NAME", "STATE", "USES", "CREATED", "EXPIRES"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatOciAuth(config: IdentityOciAuth): string {
  const table = formatTable([
    ["identityId", config.identityId],
    ["tenancyOcid", config.tenancyOcid],
    ["allowedUsernames", config.allowedUsernames ?? "(any user of the tenancy)"],
    ...tokenRules(config),
    ["allowedPrincipalTypes", (config.allowedPrincipalTypes ?? ["user"]).join(", ") + (config.allowedPrincipalTypes ? "" : " (default)")],
    ["allowedCompartmentOcids", config.allowedCompartmentOcids ?? "(any compartment)"],
    ["allowedPrincipalOcids", config.allowedPrincipalOcids ?? "(any principal)"],
    ["allowedRegions", config.allowedRegions ?? "(any region)"],
    ["id", config.id],
    ["createdAt", config.createdAt],
    ["updatedAt", config.updatedAt],
  ]);
  const who = describeAllowedWorkloads(config).map((line) => `  ${line}`);
  return `${table}\n\nWho may log in:\n${who.join("\n")}`;
}

/** `error: <status> <error>: <message>` plus one `  - <path>: <message>` line per validation issue. */
export function formatApiError(error: OciAuthError): string {
  const lines = [`error: ${error.status} ${error.error}: ${error.message}`];
  for (const issue of error.issues ?? []) {
    const path = issue.path && issue.path.length > 0 ? issue.path.join(".") : "(input)";
    lines.push(`  - ${path}: ${issue.message}`);
  }
  return lines.join("\n");
}
