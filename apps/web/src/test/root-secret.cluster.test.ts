import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, startCluster, type Target } from "./cluster";
import { startApp, stop } from "./run-app";
import { runServerUntilExit } from "./server-process";

const S1 = "root-secret-one-for-the-cluster-test-0123456789";
const S2 = "root-secret-two-for-the-cluster-test-9876543210";
const MISMATCH = /AUTH_SECRET does not match the secret this database's signing keys are stored under/;

interface Held {
  identityId: string;
  token: string;
  /** When it was issued: "before", "during" or "after" the rotation. */
  phase: string;
}

/**
 * A root-secret rotation as an operator runs it: nginx (deploy/nginx/nginx.conf) in front of three
 * instances on one PostgreSQL, each restarted in turn (SIGTERM, then started again) under live
 * traffic; tokens issued at any point stay valid everywhere and no request fails.
 */
describe("root secret: rotation, mismatch and AUTH_SECRET_FILE across instances", () => {
  let cluster: Cluster;
  let secretDir: string;

  beforeAll(async () => {
    cluster = await startCluster({ instances: 3, proxy: true, users: 24, env: { AUTH_SECRET: S1 } });
    secretDir = mkdtempSync(path.join(os.tmpdir(), "ociauth-secret-"));
  }, 240_000);
  afterAll(async () => {
    await cluster?.close();
    if (secretDir) rmSync(secretDir, { recursive: true, force: true });
  });

  const read = (target: Target, held: Pick<Held, "identityId" | "token">) =>
    cluster.api(target, "GET", `/api/v1/identities/${held.identityId}`, { token: held.token });

  /** Every token in `tokens` is accepted by every instance, asked directly. */
  async function expectValidEverywhere(tokens: Pick<Held, "identityId" | "token">[], label: string) {
    for (const instance of cluster.apps.keys()) {
      const statuses = await Promise.all(tokens.map((held) => read(instance, held).then((r) => r.status)));
      expect(statuses, `${label}: instance ${instance}`).toEqual(tokens.map(() => 200));
    }
  }

  it("an instance given its secret with AUTH_SECRET_FILE (a 0600 file) joins: its tokens verify on the others and theirs on it", async () => {
    const file = path.join(secretDir, "auth-secret");
    writeFileSync(file, `${S1}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const fromFile = await startApp({ ...cluster.env, AUTH_SECRET: "", AUTH_SECRET_FILE: file });
    const url = fromFile.url as Target;
    try {
      const identityId = await cluster.identityWithOciAuth(0);
      const login = await cluster.login(url, identityId);
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      const issuedByFileInstance = { identityId, token: login.body.accessToken as string };
      await expectValidEverywhere([issuedByFileInstance], "token from the AUTH_SECRET_FILE instance");
      const issuedByOthers = await cluster.identityWithToken(1);
      for (const held of [issuedByOthers, issuedByFileInstance]) expect((await read(url, held)).status).toBe(200);
    } finally {
      await stop(fromFile.child);
    }
  });

  it("an instance with an unrelated AUTH_SECRET refuses to start: exit code 1, the mismatch named, never serving", async () => {
    const { code, output } = await runServerUntilExit(
      { ...cluster.env, AUTH_SECRET: "an-unrelated-secret-of-at-least-32-characters" },
      90_000,
      "scripts/start.mjs",
    );
    expect(code).toBe(1);
    expect(output).toMatch(MISMATCH);
    expect(output).toContain("set AUTH_SECRET to the new one and AUTH_SECRET_PREVIOUS to the old one");
    expect(output).toContain("The server was not started.");
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
    expect(output).not.toContain("listening on");
    // The cluster is untouched: its secret's key-check is the only one.
    expect(await cluster.sql("SELECT id FROM root_secrets")).toHaveLength(1);
  });

  it("AUTH_SECRET S1 → S2 under live traffic, one instance at a time: zero failed requests, every token valid everywhere; then S1 alone is refused", async () => {
    // Identities with OCI auth, created before: the traffic logs in to them and reads with their tokens.
    const identities: string[] = [];
    for (let i = 0; i < 6; i++) identities.push(await cluster.identityWithOciAuth("proxy"));
    const held: Held[] = [];
    for (const identityId of identities) {
      const login = await cluster.login("proxy", identityId);
      expect(login.status).toBe(200);
      held.push({ identityId, token: login.body.accessToken, phase: "before" });
    }

    let phase = "during";
    let running = true;
    const failures: string[] = [];
    const counts = { reads: 0, logins: 0, writes: 0 };
    const attempt = async (what: string, call: () => Promise<{ status: number; body: unknown }>) => {
      try {
        const res = await call();
        if (res.status !== 200) failures.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        return res;
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? "")}`);
        return null;
      }
    };
    /** Reads with any token held so far (issued before, during or after), through nginx. */
    async function reader() {
      while (running) {
        const pick = held[Math.floor(Math.random() * held.length)]!;
        counts.reads++;
        await attempt(`GET with a token from ${pick.phase}`, () => read("proxy", pick));
      }
    }
    /** New tokens, signed by whichever instance nginx picks (POST: never retried once sent). */
    async function loginLoop() {
      while (running) {
        const identityId = identities[counts.logins % identities.length]!;
        counts.logins++;
        const res = await attempt("login", () => cluster.login("proxy", identityId));
        if (res?.status === 200) held.push({ identityId, token: (res.body as { accessToken: string }).accessToken, phase });
      }
    }
    /** Writes with the bootstrap admin token (issued at the very start). */
    async function writer() {
      while (running) {
        counts.writes++;
        await attempt("create identity", () =>
          cluster.api("proxy", "POST", "/api/v1/identities", {
            token: cluster.adminToken,
            body: {
              name: `rot-${counts.writes}-${Math.random().toString(36).slice(2, 6)}`,
              organizationId: cluster.orgId,
              role: "no-access",
            },
          }),
        );
      }
    }
    const traffic = [reader(), reader(), reader(), loginLoop(), writer()];

    try {
      const steps: [number, Record<string, string>, string][] = [
        [0, { AUTH_SECRET: S2, AUTH_SECRET_PREVIOUS: S1 }, "instance 0 on S2 (+S1)"],
        [1, { AUTH_SECRET: S2, AUTH_SECRET_PREVIOUS: S1 }, "instance 1 on S2 (+S1)"],
        [2, { AUTH_SECRET: S2, AUTH_SECRET_PREVIOUS: S1 }, "instance 2 on S2 (+S1)"],
        // The rollout finished: S2 alone, and the wraps under S1 are dropped.
        [0, { AUTH_SECRET: S2, AUTH_SECRET_PREVIOUS: "" }, "instance 0 on S2 only"],
      ];
      for (const [instance, env, label] of steps) {
        await new Promise((r) => setTimeout(r, 1000)); // traffic on the cluster as it is
        await cluster.restart(instance, env);
        await cluster.servedThroughProxy(instance);
        await expectValidEverywhere([...held.slice(0, identities.length), ...held.slice(-8)], `after ${label}`);
        expect(failures, `failed requests after ${label}`).toEqual([]);
      }
      phase = "after";
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      running = false;
      await Promise.all(traffic);
    }
    console.log("traffic during the rotation:", JSON.stringify(counts), "tokens held:", held.length);
    expect(failures).toEqual([]);
    expect(counts.logins).toBeGreaterThan(10);
    expect(held.filter((h) => h.phase === "during").length).toBeGreaterThan(5);
    expect(held.filter((h) => h.phase === "after").length).toBeGreaterThan(0);
    // Every token issued before, during and after, and the bootstrap token, on every instance.
    await expectValidEverywhere([...held, { identityId: identities[0]!, token: cluster.adminToken }], "at the end");

    // Only S2's key-check is left, and every key is wrapped under it alone.
    expect(await cluster.sql("SELECT id FROM root_secrets")).toHaveLength(1);
    const wraps = await cluster.sql<{ secrets: number }>(`SELECT count(DISTINCT "secretId")::int AS secrets FROM signing_key_wraps`);
    expect(wraps[0]!.secrets).toBe(1);

    // An instance still configured with S1 alone (the wraps under S1 are gone) refuses to start.
    const stale = await runServerUntilExit({ ...cluster.env, AUTH_SECRET: S1, AUTH_SECRET_PREVIOUS: "" }, 90_000, "scripts/start.mjs");
    expect(stale.code).toBe(1);
    expect(stale.output).toMatch(MISMATCH);
    expect(stale.output).toContain("The server was not started.");
    expect(stale.output).not.toMatch(/\n\s+at /);
    // The ones on S2 serve on.
    await expectValidEverywhere(held.slice(0, identities.length), "after the stale instance was refused");
  }, 420_000);
});
