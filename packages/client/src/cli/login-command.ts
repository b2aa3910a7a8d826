import { loginWithOci } from "../oci-login";
import { assertOciRegion } from "../oci-region";
import { CONNECTION_OPTIONS, parseCommandArgs, requireFlags, serviceUrl, UsageError } from "./cli-args";
import type { CliIo } from "./cli-io";
import { formatJson } from "./format";
import { LOGIN_USAGE } from "./usage";

const LOGIN_OPTIONS = {
  ...CONNECTION_OPTIONS,
  "identity-id": { type: "string" },
  "user-ocid": { type: "string" },
  tenancy: { type: "string" },
  "tenancy-ocid": { type: "string" },
  fingerprint: { type: "string" },
  "key-file": { type: "string" },
  region: { type: "string" },
  passphrase: { type: "string" },
  auth: { type: "string" },
  "metadata-url": { type: "string" },
  "federation-endpoint": { type: "string" },
  "organization-slug": { type: "string" },
  audience: { type: "string" },
} as const;

const AUTH_METHODS = ["instance_principal", "resource_principal", "api_key"] as const;
const API_KEY_FLAGS = ["user-ocid", "tenancy", "fingerprint", "key-file"];

/** `ociauth login …`: prints the access token (or the whole response with --json). */
export async function loginCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, LOGIN_OPTIONS, LOGIN_USAGE);
  if (values.help) return io.out(LOGIN_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, LOGIN_USAGE);
  const tenancy = values.tenancy ?? values["tenancy-ocid"];
  const auth = values.auth;
  if (auth !== undefined && !(AUTH_METHODS as readonly string[]).includes(auth)) {
    throw new UsageError(`unknown --auth ${JSON.stringify(auth)}: use ${AUTH_METHODS.join(", ")}`, LOGIN_USAGE);
  }
  const keyFlags = auth === undefined || auth === "api_key";
  requireFlags({ ...values, tenancy }, keyFlags ? ["identity-id", ...API_KEY_FLAGS, "region"] : ["identity-id"], LOGIN_USAGE);
  if (!keyFlags) {
    const stray = API_KEY_FLAGS.find((flag) => (flag === "tenancy" ? tenancy : values[flag as keyof typeof values]) !== undefined);
    if (stray) throw new UsageError(`--${stray} is for API keys; --auth ${auth} signs with the principal itself`, LOGIN_USAGE);
  }
  if (auth !== "instance_principal" && (values["metadata-url"] !== undefined || values["federation-endpoint"] !== undefined)) {
    throw new UsageError("--metadata-url and --federation-endpoint are for --auth instance_principal", LOGIN_USAGE);
  }
  const region = values.region;
  if (region !== undefined) {
    try {
      assertOciRegion(region);
    } catch (error) {
      throw new UsageError((error as Error).message, LOGIN_USAGE);
    }
  }
  const organizationSlug = values["organization-slug"] || io.env.INFISICAL_AUTH_ORGANIZATION_SLUG || undefined;
  const connection = {
    url: serviceUrl(values.url, io.env),
    identityId: values["identity-id"] as string,
    organizationSlug,
    audience: values.audience || undefined,
  };
  const apiKey = () => ({
    userOcid: values["user-ocid"] as string,
    tenancyOcid: tenancy as string,
    fingerprint: values.fingerprint as string,
    privateKeyPath: values["key-file"] as string,
    passphrase: values.passphrase ?? (io.env.OCIAUTH_KEY_PASSPHRASE || undefined),
    region: region as string,
  });
  const result = await loginWithOci(
    auth === "instance_principal"
      ? {
          ...connection,
          principal: "instance",
          region,
          metadataBaseUrl: values["metadata-url"],
          federationEndpoint: values["federation-endpoint"],
        }
      : auth === "resource_principal"
        ? { ...connection, principal: "resource", region }
        : auth === "api_key"
          ? { ...connection, principal: "api-key", ...apiKey() }
          : { ...connection, ...apiKey() },
  );
  io.out(values.json ? formatJson(result) : result.accessToken);
}
