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
} as const;

/** `ociauth login …`: prints the access token (or the whole response with --json). */
export async function loginCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, LOGIN_OPTIONS, LOGIN_USAGE);
  if (values.help) return io.out(LOGIN_USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, LOGIN_USAGE);
  const tenancy = values.tenancy ?? values["tenancy-ocid"];
  requireFlags({ ...values, tenancy }, ["identity-id", "user-ocid", "tenancy", "fingerprint", "key-file", "region"], LOGIN_USAGE);
  const region = values.region as string;
  try {
    assertOciRegion(region);
  } catch (error) {
    throw new UsageError((error as Error).message, LOGIN_USAGE);
  }
  const result = await loginWithOci({
    url: serviceUrl(values.url, io.env),
    identityId: values["identity-id"] as string,
    userOcid: values["user-ocid"] as string,
    tenancyOcid: tenancy as string,
    fingerprint: values.fingerprint as string,
    privateKeyPath: values["key-file"] as string,
    passphrase: values.passphrase ?? (io.env.OCIAUTH_KEY_PASSPHRASE || undefined),
    region,
  });
  io.out(values.json ? formatJson(result) : result.accessToken);
}
