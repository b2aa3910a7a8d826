import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestApiKey, createTestOcid, resourcePrincipalEnv, startOciStandIn } from "@ociauth/oci-stand-in";
import { startTestServer } from "@ociauth/api/testing";
import type { TestProject } from "vitest/node";
import { createOciAuthClient } from "../index";

/** What every test file shares: one API server pointed at one OCI stand-in, already bootstrapped. */
export interface ClientTestFixture {
  /** The API server, e.g. http://127.0.0.1:PORT */
  url: string;
  /** The admin identity's token and organization from the bootstrap. */
  adminToken: string;
  orgId: string;
  /** A stand-in OCI user with an API key (also written to keyPath). */
  oci: { tenancyOcid: string; userOcid: string; userName: string; fingerprint: string; privateKeyPem: string; keyPath: string };
  /** The stand-in's URL (its auth endpoint: federation and authenticateClient). */
  ociUrl: string;
  /** A compute instance of the tenancy (compartment `compartmentOcid`, us-ashburn-1) and its metadata service. */
  instance: { id: string; compartmentOcid: string; metadataUrl: string };
  /** An OCI Function of the tenancy: its OCI_RESOURCE_PRINCIPAL_* environment. */
  fn: { id: string; env: Record<string, string> };
}

declare module "vitest" {
  export interface ProvidedContext {
    fixture: ClientTestFixture;
  }
}

/** Starting the server (fresh PGlite database) is the slow part, so it happens once for all files. */
export default async function setup(project: TestProject) {
  const key = createTestApiKey();
  const tenancyOcid = createTestOcid("tenancy");
  const userOcid = createTestOcid("user");
  const userName = "ci-bot";
  const compartmentOcid = createTestOcid("compartment");
  const instance = {
    id: createTestOcid("instance", "iad"),
    compartmentId: compartmentOcid,
    tenancyId: tenancyOcid,
    region: "us-ashburn-1",
  };
  const fn = { id: createTestOcid("fnfunc", "iad"), compartmentId: compartmentOcid, tenancyId: tenancyOcid, region: "us-ashburn-1" };
  const standIn = await startOciStandIn({
    users: [{ id: userOcid, compartmentId: tenancyOcid, name: userName, publicKeys: [key.publicKeyPem] }],
    instances: [instance],
  });
  // The app reads its configuration once, at the first request: point it at the stand-in first.
  process.env.OCI_IDENTITY_ENDPOINT = standIn.url;
  process.env.OCI_AUTH_ENDPOINT = standIn.url;
  const server = await startTestServer();
  const boot = await createOciAuthClient({ url: server.url }).bootstrap.setup.mutate({
    email: "ops@example.com",
    password: "long-enough-password",
    organization: "Client tests",
  });
  const keyDir = await mkdtemp(path.join(tmpdir(), "ociauth-client-test-"));
  const fnEnv = resourcePrincipalEnv(standIn, fn, { dir: keyDir });
  const keyPath = path.join(keyDir, "oci_api_key.pem");
  await writeFile(keyPath, key.privateKeyPem, { mode: 0o600 });

  project.provide("fixture", {
    url: server.url,
    adminToken: boot.identity.credentials.token,
    orgId: boot.organization.id,
    oci: { tenancyOcid, userOcid, userName, fingerprint: key.fingerprint, privateKeyPem: key.privateKeyPem, keyPath },
    ociUrl: standIn.url,
    instance: { id: instance.id, compartmentOcid, metadataUrl: standIn.instanceMetadataUrl(instance.id) },
    fn: { id: fn.id, env: fnEnv },
  });

  return async () => {
    await server.close();
    await standIn.close();
    await rm(keyDir, { recursive: true, force: true });
  };
}
