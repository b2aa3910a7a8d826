import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";

export type PrivateKeySource = { privateKey: string; privateKeyPath?: undefined } | { privateKeyPath: string; privateKey?: undefined };

/**
 * The API key as unencrypted PKCS#8 PEM, checked with node:crypto first: oci-common's key parser
 * (sshpk) crashes the process with an uncaught exception on a wrong passphrase, and its messages
 * ("Expected 0x6: got 0x68") do not say what is wrong.
 */
export async function loadOciPrivateKey(source: PrivateKeySource & { passphrase?: string }): Promise<string> {
  const where = source.privateKeyPath === undefined ? "privateKey" : `key file ${source.privateKeyPath}`;
  const pem = source.privateKeyPath === undefined ? source.privateKey : await readKeyFile(source.privateKeyPath);
  if (typeof pem !== "string" || pem.trim() === "")
    throw new TypeError("An OCI API private key is required: pass privateKey or privateKeyPath.");
  if (source.passphrase === undefined && isEncryptedPem(pem)) {
    throw new TypeError(`Could not read the OCI API private key (${where}): the key is encrypted; pass its passphrase.`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem", passphrase: source.passphrase });
  } catch (error) {
    throw new TypeError(`Could not read the OCI API private key (${where}): ${describeKeyError(error)}`, { cause: error });
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new TypeError(`The OCI API private key (${where}) must be an RSA key, got ${key.asymmetricKeyType ?? "unknown"}.`);
  }
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new TypeError(`Could not read the OCI API private key file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** PKCS#8 "ENCRYPTED PRIVATE KEY" or a traditional PEM with "Proc-Type: 4,ENCRYPTED". */
const isEncryptedPem = (pem: string) => /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem);

function describeKeyError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === "ERR_MISSING_PASSPHRASE" || /interrupted or cancelled/.test(message ?? ""))
    return "the key is encrypted; pass its passphrase.";
  if (/bad decrypt/i.test(message ?? "")) return "wrong passphrase.";
  return `not a PEM private key (${message ?? String(error)}).`;
}
