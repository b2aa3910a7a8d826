import { createSign } from "node:crypto";
import { DEFAULT_OCI_IDENTITY_HOST, getUserPath, ociKeyId, type GetUserSigningInput } from "./signed-request.js";

// A type alias (not an interface) so it is assignable to Record<string, string>.
export type GoStyleSignedHeaders = {
  authorization: string;
  host: string;
  date: string;
};

/**
 * Signs the GetUser request the way the OCI Go SDK does: `date (request-target) host`,
 * with its parameter order. `date` lets tests sign with a stale or future date.
 */
export function signGetUserGoStyle(input: GetUserSigningInput & { date?: Date }): GoStyleSignedHeaders {
  const host = input.host ?? DEFAULT_OCI_IDENTITY_HOST;
  const date = (input.date ?? new Date()).toUTCString();
  const requestTarget = `get ${getUserPath(input.targetUserOcid ?? input.userOcid)}`;
  const signingString = [`date: ${date}`, `(request-target): ${requestTarget}`, `host: ${host}`].join("\n");
  const signature = createSign("sha256").update(signingString).sign(input.privateKeyPem, "base64");
  const authorization =
    `Signature version="1",headers="date (request-target) host",keyId="${ociKeyId(input)}",` +
    `algorithm="rsa-sha256",signature="${signature}"`;
  return { authorization, host, date };
}
