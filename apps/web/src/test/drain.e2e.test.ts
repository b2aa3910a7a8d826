import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stop, tempDataDir } from "./run-app";
import { startServerProcess } from "./server-process";
import { restApiOf } from "./rest-api";

type ServerProcess = Awaited<ReturnType<typeof startServerProcess>>;

const TENANCY = createTestOcid("tenancy");
const USER = { ocid: createTestOcid("user"), key: createTestApiKey() };
const LOGIN_PATH = "/api/v1/auth/oci-auth/login";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, boundMs = 5000) {
  const deadline = Date.now() + boundMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${boundMs} ms`);
    await sleep(20);
  }
}

/** A GET over `agent`: with `keepAlive` and one socket, every call after the first reuses one connection. */
function getOn(agent: http.Agent, url: string, path: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any; reusedSocket: boolean }>((resolve, reject) => {
    const req = http.get(`${url}${path}`, { agent }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text), reusedSocket: req.reusedSocket }),
      );
    });
    req.on("error", reject);
  });
}

/** "connected", or the error code of a new TCP connection to `port` (ECONNREFUSED once the listener is closed). */
function connectOutcome(port: number) {
  return new Promise<string>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * SIGTERM while an OCI login is in flight (the OCI stand-in holds its answer): the login finishes,
 * the listener refuses new connections, /readyz says 503, the process exits 0 with its drain lines;
 * a second SIGTERM or SHUTDOWN_GRACE_SECONDS passing cuts the login and says so (exit 1).
 * The server runs as `pnpm start` does (scripts/start.mjs in a process group of its own).
 */
describe("drain on SIGTERM", () => {
  let oci: OciStandIn;
  let app: ServerProcess | undefined;
  let data = tempDataDir();

  beforeAll(async () => {
    oci = await startOciStandIn({
      users: [{ id: USER.ocid, compartmentId: TENANCY, name: "drain-svc", publicKeys: [USER.key.publicKeyPem] }],
    });
  });
  afterAll(async () => {
    await oci?.close();
    data.remove();
  });
  afterEach(async () => {
    oci.setResponseDelay(0);
    if (app) await stop(app.child);
    app = undefined;
    data.remove();
    data = tempDataDir();
  });

  const api = restApiOf(() => app!.url);

  /** The server started, bootstrapped, and an identity with OCI auth for USER's tenancy. */
  async function start(env: Record<string, string> = {}) {
    app = await startServerProcess({ PGLITE_DIR: data.dir, OCI_IDENTITY_ENDPOINT: oci.url, ...env });
    const boot = await api("POST", "/api/v1/admin/bootstrap", undefined, {
      email: "ops@example.com",
      password: "a-long-password!",
      organization: "Drain",
    });
    expect(boot.status).toBe(200);
    const token: string = boot.body.identity.credentials.token;
    const created = await api("POST", "/api/v1/identities", token, {
      name: "drain-w",
      organizationId: boot.body.organization.id,
      role: "member",
    });
    const identityId: string = created.body.identity.id;
    expect((await api("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, token, { tenancyOcid: TENANCY })).status).toBe(200);
    return { app, identityId };
  }

  /** An API-key login (as cluster.ts's), started now; resolves once the server is waiting for OCI's answer. */
  async function loginInFlight(identityId: string) {
    const headers = await signGetUserWithOciCommon({
      tenancyOcid: TENANCY,
      userOcid: USER.ocid,
      fingerprint: USER.key.fingerprint,
      privateKeyPem: USER.key.privateKeyPem,
    });
    const arrived = oci.requests.length;
    const startedAt = performance.now();
    const response = api("POST", LOGIN_PATH, undefined, { identityId, userOcid: USER.ocid, headers }).then((r) => ({
      ...r,
      ms: performance.now() - startedAt,
    }));
    response.catch(() => {}); // a forced exit cuts it; the test awaits it then
    await until("the login reaches OCI", () => oci.requests.length > arrived);
    return { response, startedAt };
  }

  it("a login held 3 s by OCI, SIGTERM 0.5 s in: the login gets 200, new connections are refused, /readyz says 503, exit 0", async () => {
    const { app, identityId } = await start();
    // /readyz during the drain: a new connection cannot reach it (the listener is closed), so it is
    // asked on a keep-alive connection opened before the signal (one socket, reused). Its 503 answer
    // carries Connection: close, as every answer during the drain does.
    const probe = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await getOn(probe, app.url, "/readyz")).status).toBe(200);
    // Another keep-alive connection, left idle: the drain closes it long before the login ends.
    const idle = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await getOn(idle, app.url, "/healthz")).status).toBe(200);
    const idleSocket = Object.values(idle.freeSockets)[0]![0]!;
    const idleClosedAt = new Promise<number>((r) => idleSocket.once("close", () => r(performance.now())));

    oci.setResponseDelay(3000);
    const login = await loginInFlight(identityId);
    await sleep(500 - (performance.now() - login.startedAt));
    const signalAt = performance.now();
    process.kill(app.child.pid!, "SIGTERM"); // to the launcher, as a container runtime signals PID 1
    await until("the drain starts", () =>
      app.output().includes("SIGTERM received, shutting down: draining 1 request in flight (at most 25 s)"),
    );

    const readyz = await getOn(probe, app.url, "/readyz");
    expect(readyz).toMatchObject({
      status: 503,
      body: { status: "draining", reason: expect.stringContaining("shutting down") },
      headers: { connection: "close" },
      reusedSocket: true,
    });
    expect(await connectOutcome(app.port)).toBe("ECONNREFUSED");
    const idleClosed = (await idleClosedAt) - signalAt;
    expect(idleClosed).toBeLessThan(2500); // the login (3 s) is still in flight

    const answer = await login.response;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.accessToken).toEqual(expect.any(String));
    expect(answer.ms).toBeGreaterThanOrEqual(3000);
    expect(await app.exited).toBe(0);
    const exitedAfter = performance.now() - signalAt;

    const output = app.output();
    const [, drainMs, finished] = /drain complete in (\d+) ms: (\d+) requests? finished during the drain/.exec(output) ?? [];
    expect(Number(drainMs)).toBeGreaterThanOrEqual(2400);
    expect(Number(drainMs)).toBeLessThan(25_000);
    expect(Number(finished)).toBe(2); // the login and the /readyz probe
    expect(output).toMatch(/stopped in \d+ ms/);
    expect(output).not.toContain("forced exit");
    const loginLine = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === "request" && line.path === LOGIN_PATH);
    expect(loginLine).toMatchObject({ method: "POST", status: 200 });
    console.log(
      `drain: login answered 200 after ${Math.round(answer.ms)} ms; idle keep-alive connection closed ${Math.round(idleClosed)} ms after SIGTERM; drain ${drainMs} ms; exit ${Math.round(exitedAfter)} ms after SIGTERM`,
    );
    probe.destroy();
    idle.destroy();
  });

  it("a second SIGTERM to the process group during a held login: exit 1 at once, naming the login cut; the echo of the first is ignored", async () => {
    const { app, identityId } = await start();
    oci.setResponseDelay(8000);
    const login = await loginInFlight(identityId);
    // To the whole group: the server gets it directly and again from start.mjs, one drain.
    process.kill(-app.child.pid!, "SIGTERM");
    await until("the drain starts", () => app.output().includes("draining 1 request in flight"));
    await sleep(1500);
    const secondAt = performance.now();
    process.kill(-app.child.pid!, "SIGTERM");
    expect(await app.exited).toBe(1);
    expect(performance.now() - secondAt).toBeLessThan(2000);
    const output = app.output();
    expect(output).toContain(`forced exit (second SIGTERM): 1 request still in flight: POST ${LOGIN_PATH}`);
    const lines = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg?: unknown });
    const startingWith = (prefix: string) => lines.filter((line) => typeof line.msg === "string" && line.msg.startsWith(prefix));
    expect(startingWith("SIGTERM received, shutting down")).toHaveLength(1);
    expect(output).not.toContain("drain complete");
    // One JSON line (level error) with the count.
    expect(startingWith("forced exit")).toHaveLength(1);
    expect(startingWith("forced exit")[0]).toMatchObject({ level: "error", inFlight: 1, requests: [`POST ${LOGIN_PATH}`], exitCode: 1 });
    await expect(login.response).rejects.toThrow();
  });

  it("SHUTDOWN_GRACE_SECONDS passing with a login in flight: exit 1 after the grace, naming the login cut", async () => {
    const { app, identityId } = await start({ SHUTDOWN_GRACE_SECONDS: "2" });
    oci.setResponseDelay(8000);
    const login = await loginInFlight(identityId);
    const signalAt = performance.now();
    process.kill(app.child.pid!, "SIGTERM");
    expect(await app.exited).toBe(1);
    const after = performance.now() - signalAt;
    expect(after).toBeGreaterThanOrEqual(1900);
    expect(after).toBeLessThan(5000);
    expect(app.output()).toContain(`forced exit (SHUTDOWN_GRACE_SECONDS=2 passed): 1 request still in flight: POST ${LOGIN_PATH}`);
    await expect(login.response).rejects.toThrow();
    console.log(`drain: forced exit ${Math.round(after)} ms after SIGTERM with SHUTDOWN_GRACE_SECONDS=2`);
  });
});
