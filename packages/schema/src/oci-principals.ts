import { z } from "zod";
import { commaListSchema, splitCommaList } from "./comma-list";
import { typeError } from "./common";
import { MAX_ALLOWED_OCIDS_LENGTH, MAX_ALLOWED_REGIONS_LENGTH } from "./limits";

/**
 * Who can sign an OCI request: a user with an API key, a compute instance (instance principal)
 * or a resource such as an OCI Function or a container instance (resource principal).
 */
export const OCI_PRINCIPAL_TYPES = ["user", "instance", "resource"] as const;
export type OciPrincipalType = (typeof OCI_PRINCIPAL_TYPES)[number];
/** Without allowedPrincipalTypes only users (API keys) may log in, as before principals existed. */
export const DEFAULT_ALLOWED_PRINCIPAL_TYPES: readonly OciPrincipalType[] = ["user"];

export const OCI_REGION_PATTERN = /^[a-z]{2}-[a-z]+-[1-9]$/;
const COMPARTMENT_OCID_PATTERN = /^ocid1\.(compartment|tenancy)\.oc[0-9]+\.[a-z0-9-]*\.[A-Za-z0-9._-]+$/;
const PRINCIPAL_OCID_PATTERN = /^ocid1\.[a-z0-9]+\.oc[0-9]+\.[a-z0-9-]*\.[A-Za-z0-9._-]+$/;

export const principalTypeMessages = {
  invalid: (value: string) => `Allowed principal types can only contain "user", "instance" and "resource" (got ${JSON.stringify(value)})`,
  empty: 'Allowed principal types must list at least one of "user", "instance", "resource" (null restores the default, ["user"])',
  duplicate: "Allowed principal types must not list a type twice",
} as const;

/**
 * `allowedPrincipalTypes`: which kinds of OCI principal may log in. An array of distinct types,
 * stored in a fixed order; null (on update) restores the default, users only.
 */
export const allowedPrincipalTypesSchema = z
  .array(
    z
      .string({ error: typeError("Each allowed principal type", "text") })
      .refine((value) => OCI_PRINCIPAL_TYPES.includes(value as OciPrincipalType), {
        error: (issue) => principalTypeMessages.invalid(String(issue.input)),
      }),
    { error: typeError("Allowed principal types", 'an array such as ["instance", "resource"]') },
  )
  .min(1, principalTypeMessages.empty)
  .refine((types) => new Set(types).size === types.length, principalTypeMessages.duplicate)
  .transform((types) => OCI_PRINCIPAL_TYPES.filter((type) => types.includes(type)))
  .nullable()
  .meta({
    description:
      'Kinds of OCI principal that may log in: "user" (API key), "instance" (compute instance principal), "resource" (resource principal: Functions, container instances, OKE workloads). Default ["user"]; null restores it.',
    example: ["instance", "resource"],
  });

export const allowedCompartmentOcidsSchema = commaListSchema({
  label: "Allowed compartment OCIDs",
  maxLength: MAX_ALLOWED_OCIDS_LENGTH,
  tooLongMessage: `Allowed compartment OCIDs must be at most ${MAX_ALLOWED_OCIDS_LENGTH} characters`,
  entryPattern: COMPARTMENT_OCID_PATTERN,
  invalidMessage: (entry) =>
    `Allowed compartment OCIDs must be compartment or tenancy OCIDs such as ocid1.compartment.oc1..aaaa… ("${entry.slice(0, 80)}" is not)`,
  description:
    "Comma-separated compartment OCIDs: only instances and resources in one of them may log in (users count as being in the tenancy's root compartment). Null or empty: any compartment of the tenancy.",
  example: "ocid1.compartment.oc1..aaaaaaaaexamplecompartment",
});

export const allowedPrincipalOcidsSchema = commaListSchema({
  label: "Allowed principal OCIDs",
  maxLength: MAX_ALLOWED_OCIDS_LENGTH,
  tooLongMessage: `Allowed principal OCIDs must be at most ${MAX_ALLOWED_OCIDS_LENGTH} characters`,
  entryPattern: PRINCIPAL_OCID_PATTERN,
  invalidMessage: (entry) =>
    `Allowed principal OCIDs must be OCIDs of users, instances or resources such as ocid1.instance.oc1.iad.aaaa… ("${entry.slice(0, 80)}" is not)`,
  description: "Comma-separated OCIDs of the exact users, instances or resources that may log in. Null or empty: no restriction by OCID.",
  example: "ocid1.instance.oc1.iad.aaaaaaaaexampleinstance",
});

export const allowedRegionsSchema = commaListSchema({
  label: "Allowed regions",
  maxLength: MAX_ALLOWED_REGIONS_LENGTH,
  tooLongMessage: `Allowed regions must be at most ${MAX_ALLOWED_REGIONS_LENGTH} characters`,
  entryPattern: OCI_REGION_PATTERN,
  invalidMessage: (entry) => `Allowed regions must be OCI region names such as us-ashburn-1 ("${entry.slice(0, 40)}" is not)`,
  description:
    "Comma-separated OCI regions the instances and resources that log in must be in (the region their OCID carries; users have no region, so a region rule refuses them). Null or empty: any region.",
  example: "us-ashburn-1, eu-frankfurt-1",
});

/** The principal restrictions of an OCI auth configuration, as stored and returned. */
export interface PrincipalRules {
  allowedPrincipalTypes?: readonly OciPrincipalType[] | null;
  allowedCompartmentOcids?: string | null;
  allowedPrincipalOcids?: string | null;
  allowedRegions?: string | null;
  allowedUsernames?: string | null;
  tenancyOcid: string;
}

export function effectivePrincipalTypes(rules: Pick<PrincipalRules, "allowedPrincipalTypes">): readonly OciPrincipalType[] {
  return rules.allowedPrincipalTypes ?? DEFAULT_ALLOWED_PRINCIPAL_TYPES;
}

const PRINCIPAL_NOUNS: Record<OciPrincipalType, string> = {
  user: "OCI users signing with an API key",
  instance: "compute instances (instance principals)",
  resource: "Functions, container instances and OKE workloads (resource principals)",
};

function joinWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * "Which workloads may log in", in words, for the dashboard and the CLI: one sentence per rule
 * that is in force, starting with the principal types and the tenancy.
 */
export function describeAllowedWorkloads(rules: PrincipalRules): string[] {
  const types = effectivePrincipalTypes(rules);
  const lines = [`${joinWords(types.map((type) => PRINCIPAL_NOUNS[type]))} of tenancy ${rules.tenancyOcid} may log in.`];
  const usernames = rules.allowedUsernames ? splitCommaList(rules.allowedUsernames) : [];
  if (types.includes("user") && usernames.length > 0) lines.push(`Users only if their username is ${joinWords(usernames)}.`);
  const compartments = rules.allowedCompartmentOcids ? splitCommaList(rules.allowedCompartmentOcids) : [];
  if (compartments.length > 0) lines.push(`Only from compartment${compartments.length > 1 ? "s" : ""} ${joinWords(compartments)}.`);
  const principals = rules.allowedPrincipalOcids ? splitCommaList(rules.allowedPrincipalOcids) : [];
  if (principals.length > 0) lines.push(`Only the principal${principals.length > 1 ? "s" : ""} ${joinWords(principals)}.`);
  const regions = rules.allowedRegions ? splitCommaList(rules.allowedRegions) : [];
  if (regions.length > 0) lines.push(`Only in region${regions.length > 1 ? "s" : ""} ${joinWords(regions)}.`);
  if (regions.length > 0 && types.includes("user"))
    lines.push("No user can log in while regions are restricted: an OCI user has no region.");
  return lines;
}
