import { type PostgresServer, startPostgresServer } from "@ociauth/db/testing";
import {
  createTestApiKey,
  createTestOcid,
  instancePrincipalProvider,
  signAuthenticateClient,
  signGetUserWithOciCommon,
  signInnerRequest,
  type StandInInstance,
  startOciStandIn,
  type TestApiKey,
} from "@ociauth/oci-stand-in";
import pg from "pg";
import { startNginx } from "./nginx";
import { startApp, stop } from "./run-app";

export const CLUSTER_TENANCY = "ocid1.tenancy.oc1..aaaaaaaacluster";
const AUTH_SECRET = "cluster-test-secret-with-at-least-32-chars";
/** The one URL every instance is reached at (the proxy's, in production): principal logins are signed for it. */
const PUBLIC_URL = "https://ociauth.example.com";

export interface ApiResult {
  status: number;
  body: any;
}

/** An instance by its index, "proxy": nginx in front of all of them (with `proxy: true`), or another server's URL. */
export type Target = number | "proxy" | `http://${string}`;

/**
 * Several `pnpm start` instances of the built app on ONE real PostgreSQL server, with the OCI
 * stand-in for logins: what a scaled-out deployment runs. Instance 0 is bootstrapped. With
 * `proxy: true`, nginx (deploy/nginx/nginx.conf) runs in front of them all.
 */
export async function startCluster(options: { instances?: number; users?: number; env?: Record<string, string>; proxy?: boolean } = {}) {
  const instances = options.instances ?? 3;
  const postgres: PostgresServer = await startPostgresServer();
  const databaseUrl = await postgres.createDatabase("cluster");
  const users = Array.from({ length: options.users ?? 16 }, () => ({
    ocid: createTestOcid("user"),
    key: createTestApiKey() as TestApiKey,
    lastSecond: 0,
  }));
  /** A compute instance of the tenancy, for principal logins. */
  const computeInstance: StandInInstance = {
    id: createTestOcid("instance", "iad"),
    compartmentId: CLUSTER_TENANCY,
    tenancyId: CLUSTER_TENANCY,
    region: "us-ashburn-1",
  };
  const oci = await startOciStandIn({
    users: users.map((u, i) => ({ id: u.ocid, compartmentId: CLUSTER_TENANCY, name: `svc-${i}`, publicKeys: [u.key.publicKeyPem] })),
    instances: [computeInstance],
  });
  const apps: Awaited<ReturnType<typeof startApp>>[] = [];
  /** What every instance is started with. */
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    AUTH_SECRET,
    OCI_IDENTITY_ENDPOINT: oci.url,
    OCI_AUTH_ENDPOINT: oci.url,
    RATE_LIMIT: "off",
    LOG_LEVEL: "warn",
    PUBLIC_URL,
    ...options.env,
  };
  // One after another: each runs the migration step before it serves.
  for (let i = 0; i < instances; i++) apps.push(await startApp(env));

  const proxy = options.proxy ? await startNginx(apps.map((app) => app.url)) : undefined;
  const urlOf = (target: Target) => {
    if (typeof target === "number") return apps[target]!.url;
    if (target !== "proxy") return target;
    if (!proxy) throw new Error("startCluster({ proxy: true }) starts the proxy");
    return proxy.url;
  };

  async function api(
    target: Target,
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResult> {
    const res = await fetch(`${urlOf(target)}${path}`, {
      method,
      headers: {
        ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    // nginx answers its own errors (502) in HTML.
    const json = res.headers.get("content-type")?.includes("json");
    return { status: res.status, body: text ? (json ? JSON.parse(text) : text) : null };
  }

  const boot = await api(proxy ? "proxy" : 0, "POST", "/api/v1/admin/bootstrap", {
    body: { email: "ops@example.com", password: "a-long-password!", organization: "Cluster" },
  });
  if (boot.status !== 200) throw new Error(`bootstrap failed: ${JSON.stringify(boot.body)}`);
  const adminToken: string = boot.body.identity.credentials.token;
  const orgId: string = boot.body.organization.id;

  let nextUser = 0;
  /** An OCI login through `instance`, each with a signature of its own (a signed header set logs in once). */
  async function login(instance: Target, identityId: string, headers?: Record<string, string>): Promise<ApiResult> {
    const user = users[nextUser++ % users.length]!;
    // Signatures carry a date in whole seconds: one user signs at most once a second.
    while (Math.floor(Date.now() / 1000) === user.lastSecond) await new Promise((r) => setTimeout(r, 50));
    user.lastSecond = Math.floor(Date.now() / 1000);
    const signed = await signGetUserWithOciCommon({
      tenancyOcid: CLUSTER_TENANCY,
      userOcid: user.ocid,
      fingerprint: user.key.fingerprint,
      privateKeyPem: user.key.privateKeyPem,
    });
    return api(instance, "POST", "/api/v1/auth/oci-auth/login", { body: { identityId, userOcid: user.ocid, headers: signed }, headers });
  }

  let instanceProvider: Awaited<ReturnType<typeof instancePrincipalProvider>> | undefined;
  /**
   * A principal login body signed by the cluster's compute instance (oci-common's instance
   * principal provider), over a challenge fetched through `challengeFrom`; post it to any instance.
   */
  async function signedPrincipalLogin(challengeFrom: Target, identityId: string) {
    instanceProvider ??= await instancePrincipalProvider(oci, computeInstance.id);
    const challenge = await api(challengeFrom, "POST", "/api/v1/auth/oci-auth/challenge", { body: { identityId } });
    if (challenge.status !== 200) throw new Error(`challenge failed: ${JSON.stringify(challenge.body)}`);
    const inner = await signInnerRequest(instanceProvider, {
      method: "GET",
      uri: `${PUBLIC_URL}/api/v1/auth/oci-auth/login/principal?challenge=${challenge.body.challenge}`,
    });
    const outer = await signAuthenticateClient(instanceProvider, "https://auth.us-ashburn-1.oraclecloud.com", inner);
    return { identityId, authenticateClient: { headers: outer.headers, body: outer.body } };
  }

  /** A member identity with OCI auth attached (through `instance`), configured with `config`. */
  async function identityWithOciAuth(instance: Target = 0, config: Record<string, unknown> = {}, role = "member") {
    const created = await api(instance, "POST", "/api/v1/identities", {
      token: adminToken,
      body: { name: `w-${Math.random().toString(36).slice(2, 8)}`, organizationId: orgId, role },
    });
    if (created.status !== 200) throw new Error(`create identity failed: ${JSON.stringify(created.body)}`);
    const identityId: string = created.body.identity.id;
    const attached = await api(instance, "POST", `/api/v1/auth/oci-auth/identities/${identityId}`, {
      token: adminToken,
      body: { tenancyOcid: CLUSTER_TENANCY, ...config },
    });
    if (attached.status !== 200) throw new Error(`attach failed: ${JSON.stringify(attached.body)}`);
    return identityId;
  }

  /** A member identity with OCI auth attached (through `instance`), and a logged-in token of it. */
  async function identityWithToken(instance: Target = 0, config: Record<string, unknown> = {}, role = "member") {
    const identityId = await identityWithOciAuth(instance, config, role);
    const loggedIn = await login(instance, identityId);
    if (loggedIn.status !== 200) throw new Error(`login failed: ${JSON.stringify(loggedIn.body)}`);
    return { identityId, token: loggedIn.body.accessToken as string };
  }

  /** Runs SQL on the cluster's database (as the operator would with psql). */
  async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /**
   * SIGTERM to instance `i`'s process group (a graceful stop: pnpm, the launcher and the server
   * each get it); resolves once every process of it has exited, with the instance's output and how
   * long that took. Throws when it takes over 15 s or the server reports an error or a forced exit.
   */
  async function stopInstance(instance: number) {
    const old = apps[instance]!;
    const started = performance.now();
    await stop(old.child);
    // pnpm's shell ends with the signal; the server drains and exits on its own time.
    const deadline = Date.now() + 15_000;
    while (processGroupAlive(old.child.pid!)) {
      if (Date.now() > deadline) throw new Error(`instance ${instance} did not exit within 15 s of SIGTERM:\n${old.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (/closing the database failed|Error|forced exit|shutting down failed/.test(old.output()))
      throw new Error(`instance ${instance} stopped with an error:\n${old.output()}`);
    return { output: old.output(), ms: performance.now() - started };
  }

  /** A new instance `i` on its old port (where the proxy expects it), with the cluster's env and `changes`. */
  async function startInstance(instance: number, changes: Record<string, string> = {}) {
    apps[instance] = await startApp({ ...env, ...changes }, { port: apps[instance]!.port });
    return apps[instance];
  }

  /**
   * SIGTERM to instance `i` (a graceful stop; it must exit with code 0), then a new instance on
   * the same port (where the proxy expects it) started with the cluster's env and `changes`.
   */
  async function restart(instance: number, changes: Record<string, string>) {
    await stopInstance(instance);
    return startInstance(instance, changes);
  }

  /** Waits until nginx has passed a request to instance `i` again (it skips a failed upstream for fail_timeout). */
  async function servedThroughProxy(instance: number) {
    const host = new URL(apps[instance]!.url).host;
    const served = new RegExp(`" 200 upstream=(?:\\S+, )*${host.replaceAll(".", "\\.")} `, "g");
    const count = () => (proxy!.accessLog().match(served) ?? []).length;
    const before = count();
    const deadline = Date.now() + 30_000;
    while (count() === before) {
      if (Date.now() > deadline) throw new Error(`nginx sent nothing to the restarted instance ${host} within 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return {
    apps,
    proxy,
    postgres,
    databaseUrl,
    oci,
    adminToken,
    orgId,
    api,
    login,
    identityWithOciAuth,
    identityWithToken,
    signedPrincipalLogin,
    computeInstance,
    sql,
    env,
    stopInstance,
    startInstance,
    restart,
    servedThroughProxy,
    /** SIGKILL to instance `i` and everything it started: a crash, no shutdown. */
    async kill(instance: number) {
      const child = apps[instance]!.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGKILL");
      await exited;
    },
    async close() {
      await proxy?.stop();
      for (const app of apps) await stop(app.child);
      await oci.close();
      await postgres.stop();
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;

/**
 * Polls `attempt` until it answers one of `refused`; returns the milliseconds that took (from the
 * call of this function). Throws when `boundMs` passes first.
 */
export async function msUntilRefused(attempt: () => Promise<number>, refused: number[], boundMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const status = await attempt();
    const elapsed = performance.now() - started;
    if (refused.includes(status)) return elapsed;
    if (elapsed > boundMs) throw new Error(`still answered ${status} after ${Math.round(elapsed)} ms (bound ${boundMs} ms)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
