/**
 * The commands that log a workload in as one identity, as the identity page shows them: the CLI,
 * the REST call (curl) and the TypeScript client. Values the dashboard cannot know (the OCI user,
 * its API key) are shell variables or named placeholders the operator fills in.
 */
export interface LoginCommandInput {
  /** The service's base URL, as the browser sees it. */
  url: string;
  identityId: string;
  /** The tenancy of the identity's OCI auth, when attached. */
  tenancyOcid: string | null;
}

export const LOGIN_PATH = "/api/v1/auth/oci-auth/login";
/** What the operator sets for the OCI user the workload signs as (the dashboard cannot know them). */
export const LOGIN_ENV = ["OCI_USER_OCID", "OCI_FINGERPRINT", "OCI_KEY_FILE", "OCI_REGION"] as const;
const TENANCY_PLACEHOLDER = "ocid1.tenancy.oc1..<your tenancy>";

/** Single-quoted for a POSIX shell (any ' inside closed, escaped and reopened). */
export const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** `ociauth login` with this identity's flags; the OCI user, its key and the region come from the environment (LOGIN_ENV). */
export function cliLoginCommand({ url, identityId, tenancyOcid }: LoginCommandInput): string {
  return [
    `ociauth login --url ${shellQuote(url)}`,
    `  --identity-id ${identityId}`,
    `  --tenancy ${shellQuote(tenancyOcid ?? TENANCY_PLACEHOLDER)}`,
    `  --user-ocid "$OCI_USER_OCID"`,
    `  --fingerprint "$OCI_FINGERPRINT"`,
    `  --key-file "$OCI_KEY_FILE"`,
    `  --region "$OCI_REGION"`,
  ].join(" \\\n");
}

/** The REST body of the login, with the shape of the signed headers the CLI or the SDK produce. */
export function restLoginBody({ identityId, tenancyOcid }: LoginCommandInput) {
  const tenancy = tenancyOcid ?? TENANCY_PLACEHOLDER;
  return {
    identityId,
    userOcid: "ocid1.user.oc1..<your user>",
    headers: {
      authorization: `Signature version="1",keyId="${tenancy}/ocid1.user.oc1..<your user>/<key fingerprint>",algorithm="rsa-sha256",headers="date (request-target) host",signature="<base64 signature>"`,
      host: "identity.<region>.oraclecloud.com",
      date: "<the signed date, e.g. Thu, 03 Dec 2026 10:00:00 GMT>",
    },
  };
}

export function curlLoginCommand(input: LoginCommandInput): string {
  const body = JSON.stringify(restLoginBody(input), null, 2);
  return [
    "# headers: OCI's GetUser request signed with your API key (the ociauth CLI or signOciGetUser from @ociauth/client make them).",
    `curl -sS -X POST ${shellQuote(`${input.url}${LOGIN_PATH}`)} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join("\n");
}

/** How a workload on OCI logs in as its instance or resource principal: the CLI, then the TypeScript client. */
export function principalLoginCommands({ url, identityId }: LoginCommandInput, principal: "instance" | "resource"): string {
  const where =
    principal === "instance"
      ? "# On the compute instance: its instance principal signs (no API key; OCI's metadata service provides the identity)."
      : "# In the Function, container instance or OKE workload: its resource principal signs (OCI sets OCI_RESOURCE_PRINCIPAL_*).";
  return `${where}
ociauth login --auth ${principal}_principal --url ${shellQuote(url)} --identity-id ${identityId}

# Or from TypeScript:
import { loginWithOci } from "@ociauth/client";
const { accessToken } = await loginWithOci({ url: ${JSON.stringify(url)}, identityId: ${JSON.stringify(identityId)}, principal: ${JSON.stringify(principal)} });`;
}

/** The functions of @ociauth/client the TypeScript snippet uses (checked against the package's exports by the tests). */
export const TYPESCRIPT_IMPORTS = ["loginWithOci"] as const;

export function typescriptLoginSnippet({ url, identityId, tenancyOcid }: LoginCommandInput): string {
  return `import { ${TYPESCRIPT_IMPORTS.join(", ")} } from "@ociauth/client";

const { accessToken, expiresAt } = await loginWithOci({
  url: ${JSON.stringify(url)},
  identityId: ${JSON.stringify(identityId)},
  tenancyOcid: ${JSON.stringify(tenancyOcid ?? TENANCY_PLACEHOLDER)},
  userOcid: process.env.OCI_USER_OCID!,
  fingerprint: process.env.OCI_FINGERPRINT!,
  privateKeyPath: process.env.OCI_KEY_FILE!,
  region: process.env.OCI_REGION!,
});`;
}
