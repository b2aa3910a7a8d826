export const DEFAULT_OCI_IDENTITY_HOST = "identity.us-ashburn-1.oraclecloud.com";

export interface GetUserSigningInput {
  tenancyOcid: string;
  userOcid: string;
  fingerprint: string;
  privateKeyPem: string;
  /** The OCI identity host that is signed; defaults to identity.us-ashburn-1.oraclecloud.com. */
  host?: string;
  /** The user in the request path; defaults to userOcid (the signer). */
  targetUserOcid?: string;
}

export function getUserPath(userOcid: string): string {
  return `/20160918/users/${userOcid}`;
}

export function ociKeyId(input: Pick<GetUserSigningInput, "tenancyOcid" | "userOcid" | "fingerprint">): string {
  return `${input.tenancyOcid}/${input.userOcid}/${input.fingerprint}`;
}
