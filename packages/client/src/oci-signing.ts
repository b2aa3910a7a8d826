import { ociIdentityHost } from "./oci-region";

/** The headers a workload sends in its login body (SPEC §3). */
export interface OciSignedHeaders {
  authorization: string;
  host: string;
  "x-date": string;
  date?: string;
  [name: string]: string | undefined;
}

export interface OciGetUserSigningInput {
  tenancyOcid: string;
  userOcid: string;
  fingerprint: string;
  /** Unencrypted PEM (see loadOciPrivateKey). */
  privateKeyPem: string;
  region: string;
}

/**
 * Signs `GET https://identity.<region>.oraclecloud.com/20160918/users/<userOcid>` with Oracle's
 * oci-common signer (OCI Signature v1 over "x-date (request-target) host"). oci-common ≥ 2.141
 * needs the absolute URI.
 */
export async function signOciGetUser(input: OciGetUserSigningInput): Promise<OciSignedHeaders> {
  const host = ociIdentityHost(input.region);
  // oci-common is large; load it only when someone actually signs.
  const { DefaultRequestSigner, SimpleAuthenticationDetailsProvider } = await import("oci-common");
  const provider = new SimpleAuthenticationDetailsProvider(input.tenancyOcid, input.userOcid, input.fingerprint, input.privateKeyPem, null);
  const headers = new Headers();
  const uri = `https://${host}/20160918/users/${input.userOcid}`;
  await new DefaultRequestSigner(provider).signHttpRequest({ method: "GET", uri, headers, body: null });
  const authorization = headers.get("authorization");
  const xDate = headers.get("x-date");
  if (!authorization || !xDate) throw new Error("oci-common did not sign the request (no authorization or x-date header)");
  const signed: OciSignedHeaders = { authorization, host: headers.get("host") ?? host, "x-date": xDate };
  const date = headers.get("date");
  if (date) signed.date = date;
  return signed;
}
