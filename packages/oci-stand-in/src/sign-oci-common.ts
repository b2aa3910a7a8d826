import { DefaultRequestSigner, SimpleAuthenticationDetailsProvider } from "oci-common";
import { DEFAULT_OCI_IDENTITY_HOST, getUserPath, type GetUserSigningInput } from "./signed-request.js";

// A type alias (not an interface) so it is assignable to Record<string, string>.
export type OciCommonSignedHeaders = {
  authorization: string;
  host: string;
  "x-date": string;
  /** Set by the signer but not signed. */
  date: string;
};

/**
 * Signs `GET https://{host}/20160918/users/{targetUserOcid}` with Oracle's own Node signer,
 * giving the headers a workload puts into its login body. `date` presets the signed `x-date`
 * (oci-common keeps a preset one): two signatures by one key in the same second are identical,
 * so tests that log in often give each signature its own second.
 */
export async function signGetUserWithOciCommon(input: GetUserSigningInput & { date?: Date }): Promise<OciCommonSignedHeaders> {
  const host = input.host ?? DEFAULT_OCI_IDENTITY_HOST;
  const provider = new SimpleAuthenticationDetailsProvider(input.tenancyOcid, input.userOcid, input.fingerprint, input.privateKeyPem, null);
  const headers = new Headers();
  if (input.date) headers.set("x-date", input.date.toUTCString());
  // oci-common >= 2.141 rejects relative URIs ("Cannot parse host from url").
  const uri = `https://${host}${getUserPath(input.targetUserOcid ?? input.userOcid)}`;
  await new DefaultRequestSigner(provider).signHttpRequest({ method: "GET", uri, headers, body: null });
  return {
    authorization: requireHeader(headers, "authorization"),
    host: requireHeader(headers, "host"),
    "x-date": requireHeader(headers, "x-date"),
    date: requireHeader(headers, "date"),
  };
}

function requireHeader(headers: Headers, name: string): string {
  const value = headers.get(name);
  if (value === null) throw new Error(`oci-common did not set the ${name} header`);
  return value;
}
