// Minimal typings for the parts of http-signature (CommonJS, untyped) this package uses.
declare module "http-signature" {
  import type { IncomingMessage } from "node:http";

  export interface ParseRequestOptions {
    clockSkew?: number;
    headers?: string[];
    algorithms?: string[];
    authorizationHeaderName?: string;
    strict?: boolean;
  }

  export interface ParsedSignature {
    scheme: string;
    params: {
      keyId: string;
      algorithm: string;
      headers: string[];
      signature: string;
      [name: string]: unknown;
    };
    signingString: string;
    algorithm: string;
    keyId: string;
  }

  export function parseRequest(
    request: Pick<IncomingMessage, "headers" | "method" | "url" | "httpVersion">,
    options?: ParseRequestOptions,
  ): ParsedSignature;
  export function verifySignature(parsed: ParsedSignature, publicKeyPem: string | Buffer): boolean;

  const httpSignature: { parseRequest: typeof parseRequest; verifySignature: typeof verifySignature };
  export default httpSignature;
}
