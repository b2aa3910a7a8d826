import { createPublicKey } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ociFingerprint } from "./fingerprint.js";
import { createTestApiKey } from "./test-api-key.js";
import { createTestOcid } from "./test-ocid.js";
import { type StandInUser } from "./types.js";

export interface DemoTenancy {
  tenancyOcid: string;
  userOcid: string;
  userName: string;
  fingerprint: string;
  /** Absolute path of the PKCS#8 private key PEM. */
  privateKeyPath: string;
  user: StandInUser;
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
}

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
    writeFileSync(demoPath, `${JSON.stringify(demo, null, 2)}\n`);
    publicKeyPem = key.publicKeyPem;
  }

  const user: StandInUser = {
    id: demo.userOcid,
    compartmentId: demo.tenancyOcid,
    name: demo.userName,
    email: demo.userName,
    publicKeys: [publicKeyPem],
  };
  return { ...demo, privateKeyPath: keyPath, user, folder: dir, reused };
}
