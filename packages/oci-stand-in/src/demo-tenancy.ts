import { createPublicKey } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ociFingerprint } from "./fingerprint.js";
import { createTestApiKey } from "./test-api-key.js";
import { createTestOcid } from "./test-ocid.js";
import { type StandInInstance, type StandInResource, type StandInUser } from "./types.js";

export interface DemoTenancy {
  tenancyOcid: string;
  userOcid: string;
  userName: string;
  fingerprint: string;
  /** Absolute path of the PKCS#8 private key PEM. */
  privateKeyPath: string;
  user: StandInUser;
  /** A compute instance in the demo tenancy (root compartment), us-ashburn-1. */
  instance: StandInInstance;
  /** An OCI Function in the demo tenancy (root compartment), us-ashburn-1. */
  fn: StandInResource;
  /** Absolute path of the folder holding demo.json and the key files. */
  folder: string;
  /** True when an earlier run's demo tenancy in the same folder was reused. */
  reused: boolean;
}

interface DemoFile {
  tenancyOcid: string;
  userOcid: string;
  userName: string;
  fingerprint: string;
  privateKeyPath: string;
  /** Added after the first release: an older demo.json gets them on its next start. */
  instanceOcid?: string;
  functionOcid?: string;
}

const DEMO_REGION = "us-ashburn-1";
const DEMO_FILE = "demo.json";
const KEY_FILE = "demo-api-key.pem";

/**
 * Creates a demo tenancy, user and API key in `outDir`, or reuses the ones there, so an app
 * configured against the demo tenancy keeps working across restarts.
 */
export function ensureDemoTenancy(outDir: string): DemoTenancy {
  const dir = resolve(outDir);
  const demoPath = join(dir, DEMO_FILE);
  const keyPath = join(dir, KEY_FILE);
  const reused = existsSync(demoPath) && existsSync(keyPath);

  let demo: DemoFile;
  let publicKeyPem: string;
  if (reused) {
    demo = JSON.parse(readFileSync(demoPath, "utf8")) as DemoFile;
    publicKeyPem = createPublicKey(readFileSync(keyPath, "utf8")).export({ type: "spki", format: "pem" }).toString();
    if (ociFingerprint(publicKeyPem) !== demo.fingerprint) throw new Error(`${keyPath} does not match ${demoPath}`);
  } else {
    const key = createTestApiKey();
    mkdirSync(dir, { recursive: true });
    writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, "demo-api-key-public.pem"), key.publicKeyPem);
    demo = {
      tenancyOcid: createTestOcid("tenancy"),
      userOcid: createTestOcid("user"),
      userName: "demo-user@example.com",
      fingerprint: key.fingerprint,
      privateKeyPath: keyPath,
    };
    publicKeyPem = key.publicKeyPem;
  }
  const instanceOcid = demo.instanceOcid ?? createTestOcid("instance", DEMO_REGION);
  const functionOcid = demo.functionOcid ?? createTestOcid("fnfunc", DEMO_REGION);
  if (!reused || demo.instanceOcid !== instanceOcid || demo.functionOcid !== functionOcid) {
    demo = { ...demo, instanceOcid, functionOcid };
    writeFileSync(demoPath, `${JSON.stringify(demo, null, 2)}\n`);
  }

  const user: StandInUser = {
    id: demo.userOcid,
    compartmentId: demo.tenancyOcid,
    name: demo.userName,
    email: demo.userName,
    publicKeys: [publicKeyPem],
  };
  const instance: StandInInstance = {
    id: instanceOcid,
    compartmentId: demo.tenancyOcid,
    tenancyId: demo.tenancyOcid,
    region: DEMO_REGION,
    displayName: "demo-instance",
  };
  const fn: StandInResource = { id: functionOcid, compartmentId: demo.tenancyOcid, tenancyId: demo.tenancyOcid, region: DEMO_REGION };
  return { ...demo, privateKeyPath: keyPath, user, instance, fn, folder: dir, reused };
}
