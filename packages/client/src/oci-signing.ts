import { createHash } from "node:crypto";
import { ociIdentityHost } from "./oci-region";

/** The headers a workload sends in its login body (see "How a workload logs in" in the README). */
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

const lastSecondByKey = new Map<string, number>();

/**
 * A signing second this process has not used for this key yet (waiting for the next second when
 * needed): one key signs identically within one second, and the service lets each signed header
 * set log in only once.
 */
async function unusedSigningSecond(key: string): Promise<Date> {
  for (;;) {
    const second = Math.floor(Date.now() / 1000);
    if (second > (lastSecondByKey.get(key) ?? 0)) {
      lastSecondByKey.set(key, second);
      return new Date(second * 1000);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
  }
}

/**
 * Signs `GET https://identity.<region>.oraclecloud.com/20160918/users/<userOcid>` with Oracle's
 * oci-common signer (OCI Signature v1 over "x-date (request-target) host"). oci-common ≥ 2.141
 * needs the absolute URI. Each call in this process signs a different second for a given key
 * (a second call within the same second waits for the next one).
 */
export async function signOciGetUser(input: OciGetUserSigningInput): Promise<OciSignedHeaders> {
  const host = ociIdentityHost(input.region);
  // oci-common is large; load it only when someone actually signs.
  const { DefaultRequestSigner, SimpleAuthenticationDetailsProvider } = await import("oci-common");
  const provider = new SimpleAuthenticationDetailsProvider(input.tenancyOcid, input.userOcid, input.fingerprint, input.privateKeyPem, null);
  const headers = new Headers();
  // oci-common keeps a preset x-date.
  // The signature's bytes depend on the key, not on the keyId that names it.
  const key = createHash("sha256").update(input.privateKeyPem).digest("hex");
  headers.set("x-date", (await unusedSigningSecond(key)).toUTCString());
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
