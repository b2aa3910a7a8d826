import { createServer } from "node:net";
import { inject } from "vitest";
import { createOciAuthClient } from "../index";
import type { OciLoginOptions } from "../oci-login";

export const fixture = () => inject("fixture");

export const adminClient = () => createOciAuthClient({ url: fixture().url, token: fixture().adminToken });

let counter = 0;

/** A new member identity with OCI auth for the stand-in's tenancy (options override the defaults). */
export async function createIdentityWithOciAuth(
  config: {
    accessTokenTTL?: number;
    accessTokenMaxTTL?: number;
    accessTokenNumUsesLimit?: number;
    allowedUsernames?: string;
    allowedPrincipalTypes?: ("user" | "instance" | "resource")[];
    allowedCompartmentOcids?: string;
  } = {},
): Promise<string> {
  const client = adminClient();
  const { identity } = await client.identities.create.mutate({
    name: `workload-${process.pid}-${++counter}`,
    organizationId: fixture().orgId,
    role: "member",
  });
  await client.ociAuth.attach.mutate({ identityId: identity.id, tenancyOcid: fixture().oci.tenancyOcid, ...config });
  return identity.id;
}

/** Login options for the stand-in's user, with the key inline. */
export function loginOptions(identityId: string, overrides: Partial<OciLoginOptions> = {}): OciLoginOptions {
  const { url, oci } = fixture();
  return {
    url,
    identityId,
    tenancyOcid: oci.tenancyOcid,
    userOcid: oci.userOcid,
    fingerprint: oci.fingerprint,
    privateKey: oci.privateKeyPem,
    region: "us-ashburn-1",
    ...overrides,
  } as OciLoginOptions;
}

/** A fetch that counts the requests per API path (e.g. "/api/v1/auth/token/renew"). */
export function countingFetch() {
  const counts = new Map<string, number>();
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    return fetch(input, init);
  };
  return {
    fetch: wrapped,
    count: (pathname: string) => counts.get(pathname) ?? 0,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
  };
}

export const LOGIN_PATH = "/api/v1/auth/oci-auth/login";
export const RENEW_PATH = "/api/v1/auth/token/renew";

/** http://127.0.0.1:PORT where nothing listens (a port that was free a moment ago). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
