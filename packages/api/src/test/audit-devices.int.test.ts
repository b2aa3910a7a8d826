import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestApiKey, createTestOcid, type OciStandIn, signGetUserWithOciCommon, startOciStandIn } from "@ociauth/oci-stand-in";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { statusAnswer } from "../http/health";
import type { AuditDeliveryEvent } from "../services/audit/devices/audit-device";
import { createTestApp, type TestApp } from "./harness";

const SECRET = "audit-webhook-secret-with-32-characters!";
const LOGIN = "/api/v1/auth/oci-auth/login";
const isPostgres = process.env.TEST_DATABASE === "postgres";

/** A webhook receiver on a fixed port: it checks each batch's signature and keeps what it got; stop() and start() take it down and back. */
async function startReceiver() {
  const batches: AuditDeliveryEvent[][] = [];
  const badSignatures: string[] = [];
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const timestamp = String(req.headers["x-ociauth-timestamp"]);
        const expected = `sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex")}`;
        if (req.headers["x-ociauth-signature"] !== expected || !req.headers["idempotency-key"]) {
          badSignatures.push(body);
          res.writeHead(401).end();
          return;
        }
        batches.push((JSON.parse(body) as { events: AuditDeliveryEvent[] }).events);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server!.address() as AddressInfo).port;
  };
  await listen();
  return {
    url: () => `http://127.0.0.1:${port}/audit`,
    batches,
    badSignatures,
    received: () => batches.flat(),
    start: listen,
    stop: () =>
      new Promise<void>((resolve) => {
        server!.closeAllConnections();
        server!.close(() => resolve());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * What every run must show: each event of the database reached the receiver; first arrivals in
 * sequence order; a repeated sequence always carries the same event id.
 */
async function expectDeliveredInOrder(app: TestApp, receiver: Receiver) {
  const events = await app.database.execute<{ id: string; seq: string }>(`SELECT id, seq FROM audit_events ORDER BY seq`, []);
  const received = await until("every event at the receiver", () => {
    const got = receiver.received();
    const ids = new Set(got.map((e) => e.id));
    return events.every((e) => ids.has(e.id)) && got;
  });
  const firstBySeq = new Map<number, string>();
  const firstArrivals: number[] = [];
  for (const event of received) {
    const known = firstBySeq.get(event.sequence);
    if (known === undefined) {
      firstBySeq.set(event.sequence, event.id);
      firstArrivals.push(event.sequence);
    } else expect(known).toBe(event.id);
  }
  expect(firstArrivals).toEqual([...firstArrivals].sort((a, b) => a - b));
  expect(firstArrivals.slice(0, events.length)).toEqual(events.map((e) => Number(e.seq)));
  expect(receiver.badSignatures).toEqual([]);
  return received;
}

/** OCI logins with real signatures against the stand-in, one user per worker (a key signs once per second). */
async function ociLoginLoad(app: TestApp, adminToken: string, orgId: string, workers: number) {
  const tenancyOcid = createTestOcid("tenancy");
  const users = Array.from({ length: workers }, (_, i) => ({ id: createTestOcid("user"), name: `user${i}`, key: createTestApiKey() }));
  const oci: OciStandIn = await startOciStandIn({
    users: users.map((u) => ({ id: u.id, compartmentId: tenancyOcid, name: u.name, publicKeys: [u.key.publicKeyPem] })),
  });
  overrideConfigForTesting({ OCI_IDENTITY_ENDPOINT: oci.url, OCI_REQUEST_TIMEOUT_MS: 2000 });
  const identityId = await app.createIdentity(adminToken, orgId, "member", "load");
  const attach = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, { token: adminToken, body: { tenancyOcid } });
  expect(attach.status).toBe(200);
  let stop = false;
  const statuses: number[] = [];
  const lastSecond = new Map<string, number>();
  const login = async (user: (typeof users)[number]) => {
    const second = Math.max(Math.floor(Date.now() / 1000), (lastSecond.get(user.id) ?? 0) + 1);
    lastSecond.set(user.id, second);
    if (second * 1000 > Date.now()) await sleep(second * 1000 - Date.now());
    const headers = await signGetUserWithOciCommon({
      tenancyOcid,
      userOcid: user.id,
      fingerprint: user.key.fingerprint,
      privateKeyPem: user.key.privateKeyPem,
      date: new Date(second * 1000),
    });
    return app.rest("POST", LOGIN, { body: { identityId, userOcid: user.id, headers } });
  };
  const loop = async (user: (typeof users)[number]) => {
    while (!stop) statuses.push((await login(user)).status);
  };
  const running = Promise.all(users.map(loop));
  return {
    statuses,
    oneLogin: () => login(users[0]!),
    stop: async () => {
      stop = true;
      await running;
    },
    close: () => oci.close(),
  };
}

function configure(receiver: Receiver, required: boolean) {
  overrideConfigForTesting({
    AUDIT_HTTP_URL: receiver.url(),
    AUDIT_HTTP_FORMAT: "generic",
    AUDIT_HTTP_HMAC_SECRET: SECRET,
    AUDIT_HTTP_REQUIRED: required,
    AUDIT_HTTP_BATCH_SIZE: 20,
    AUDIT_HTTP_TIMEOUT_MS: 2000,
    AUDIT_DEVICE_RETRY_MAX_SECONDS: 0.5,
    AUDIT_DEVICE_GAP_WAIT_MS: 1000,
  });
}

describe("HTTP audit device: receiver down for 10 s under OCI login load", () => {
  let receiver: Receiver;
  let app: TestApp;
  beforeAll(async () => {
    receiver = await startReceiver();
    configure(receiver, false);
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
    await receiver.stop().catch(() => undefined);
  });

  it("delivers every event after it returns, in sequence order, duplicates only with the same id", async () => {
    const { adminToken, orgId } = await app.bootstrap();
    const load = await ociLoginLoad(app, adminToken, orgId, 4);
    await sleep(1500);
    await receiver.stop();
    await sleep(10_000);
    // Not required: logins went on while the device was down; it reports failing meanwhile.
    expect(app.rt.auditDevices.status()[0]).toMatchObject({ name: "http", state: "failing", required: false });
    expect(app.rt.auditDevices.status()[0]!.lagEvents).toBeGreaterThan(0);
    await receiver.start();
    await sleep(1500);
    await load.stop();
    await load.close();
    expect(load.statuses.length).toBeGreaterThan(20);
    expect(new Set(load.statuses)).toEqual(new Set([200]));
    const received = await expectDeliveredInOrder(app, receiver);
    expect(received.filter((e) => e.eventType === "login-identity-oci-auth").length).toBe(load.statuses.length);
    await until("state ok", () => app.rt.auditDevices.status()[0]!.state === "ok");
    expect(app.rt.auditDevices.status()[0]).toMatchObject({ lagEvents: 0, lastError: expect.any(String) });
  }, 90_000);
});

describe("HTTP audit device marked required", () => {
  let receiver: Receiver;
  let app: TestApp;
  beforeAll(async () => {
    receiver = await startReceiver();
    configure(receiver, true);
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
    await receiver.stop().catch(() => undefined);
  });

  it("refuses logins and changes with 503 within 1 s while it cannot record, serves reads, and is back when it records", async () => {
    const { adminToken, orgId } = await app.bootstrap();
    const load = await ociLoginLoad(app, adminToken, orgId, 1);
    await load.stop();
    const first = await load.oneLogin();
    expect(first.status, JSON.stringify([first.body, app.rt.auditDevices.status()])).toBe(200);
    await receiver.stop();
    let made = 0;
    const createIdentity = () =>
      app.rest("POST", "/api/v1/identities", {
        token: adminToken,
        body: { name: `gated-${made++}`, organizationId: orgId, role: "member" },
      });
    // One change is recorded in the database; its delivery fails and the gate closes.
    expect((await createIdentity()).status).toBe(200);
    const closedAfter = Date.now();
    const refused = await until("a 503", async () => {
      const res = await createIdentity();
      return res.status === 503 && res;
    });
    expect(Date.now() - closedAfter).toBeLessThan(1000);
    expect(refused.body.message).toContain("Audit device http cannot record audit events");
    expect(refused.headers.get("retry-after")).toBe("1");
    const login = await load.oneLogin();
    expect(login.status).toBe(503);
    // Reads keep working.
    expect((await app.rest("GET", `/api/v1/audit-logs?organizationId=${orgId}`, { token: adminToken })).status).toBe(200);
    const listed = await app.rest("GET", "/api/v1/admin/audit-devices", { token: adminToken });
    expect(listed.status).toBe(200);
    expect(listed.body.devices[0]).toMatchObject({
      name: "http",
      kind: "http",
      required: true,
      state: "failing",
      lastError: expect.any(String),
    });
    // The public status names the state and an error class, never the receiver's address.
    const status = statusAnswer(app.rt);
    expect(status.auditDevices).toEqual([expect.objectContaining({ name: "http", state: "failing", errorClass: expect.any(String) })]);
    expect(JSON.stringify(status)).not.toContain("127.0.0.1");

    await receiver.start();
    const openedAt = Date.now();
    await until("changes accepted again", async () => (await createIdentity()).status === 200, 5000);
    // Back-off is capped at 0.5 s here: the retry records, and the gate opens at once.
    expect(Date.now() - openedAt).toBeLessThan(1500);
    expect((await load.oneLogin()).status).toBe(200);
    await load.close();
    await expectDeliveredInOrder(app, receiver);
  }, 60_000);
});

describe.runIf(isPostgres)("HTTP audit device with two instances on one PostgreSQL", () => {
  let receiver: Receiver;
  let app: TestApp;
  beforeAll(async () => {
    receiver = await startReceiver();
    configure(receiver, false);
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
    await receiver.stop().catch(() => undefined);
  });

  it("one instance delivers at a time: every event once, in order, and the other takes over when it stops", async () => {
    const { adminToken, orgId } = await app.bootstrap();
    const other = await app.otherInstance();
    const load = await ociLoginLoad(app, adminToken, orgId, 3);
    // Changes through both instances while both delivery loops run.
    for (let i = 0; i < 20; i++) {
      const res = await other.callerWith(adminToken).identities.create({ name: `b${i}`, organizationId: orgId, role: "member" });
      expect(res.identity.id).toBeTruthy();
    }
    await sleep(3000);
    await load.stop();
    await load.close();
    const received = await expectDeliveredInOrder(app, receiver);
    expect(new Set(received.map((e) => e.sequence)).size).toBe(received.length);
    // The first instance stops: the second delivers what comes after.
    await app.rt.auditDevices.close();
    const before = receiver.received().length;
    await other.callerWith(adminToken).identities.create({ name: "after", organizationId: orgId, role: "member" });
    await until("the other instance delivers", () => receiver.received().length > before);
    await expectDeliveredInOrder(app, receiver);
    await other.close();
  }, 90_000);
});
