import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { jsonLine } from "../audit-export-fns";
import type { AuditDeliveryEvent, AuditDevice } from "./audit-device";
import { deliveryEvent, deliveryEvents } from "./delivery-events.test-helpers";
import { openSyslogDevice } from "./syslog-device";

// A real rsyslog (Debian's `rsyslog` and `rsyslog-gnutls`; `pnpm test` installs them through
// apps/web/scripts/ensure-rsyslog.mjs) runs in the foreground with a config of this test's own:
// one plain TCP and one TLS listener, each writing what it parsed as RFC 5424 to a file.
const RSYSLOGD = process.env.RSYSLOGD_BIN || "rsyslogd";
const BOM = "\uFEFF";

let dir: string;
let tcpPort: number;
let tlsPort: number;
let rsyslog: ChildProcess | undefined;
const devices: AuditDevice[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startRsyslog(): Promise<void> {
  const child = spawn(RSYSLOGD, ["-n", "-f", join(dir, "rsyslog.conf"), "-i", join(dir, "rsyslogd.pid")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  rsyslog = child;
  const deadline = Date.now() + 15_000;
  while (!((await canConnect(tcpPort)) && (await canConnect(tlsPort)))) {
    if (spawnError)
      throw new Error(`${RSYSLOGD} could not be started (${spawnError.message}): run node apps/web/scripts/ensure-rsyslog.mjs as root`);
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`rsyslogd did not start listening:\n${output}`);
    await sleep(100);
  }
}

async function stopRsyslog(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  const child = rsyslog;
  rsyslog = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

/** SIGSTOP, then wait until every thread of the process has stopped (the signal takes effect later). */
async function freeze(child: ChildProcess): Promise<void> {
  child.kill("SIGSTOP");
  const stopped = async () => {
    const tasks = await readdir(`/proc/${child.pid}/task`);
    const states = await Promise.all(
      tasks.map(async (task) => (await readFile(`/proc/${child.pid}/task/${task}/stat`, "utf8")).replace(/^.*\) /s, "")[0]),
    );
    return states.every((state) => state === "T");
  };
  while (!(await stopped())) await sleep(10);
}

interface Received {
  pri: string;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: string;
  msg: string;
}

/** What rsyslog wrote for one listener: its template's fields, split at the first seven `|`. */
async function received(file: string): Promise<Received[]> {
  const text = await readFile(join(dir, file), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const parts = line.split("|");
      const [pri, timestamp, hostname, appName, procId, msgId, structuredData] = parts;
      return { pri, timestamp, hostname, appName, procId, msgId, structuredData, msg: parts.slice(7).join("|") } as Received;
    });
}

async function waitForLines(file: string, count: number, done = (lines: Received[]) => lines.length >= count): Promise<Received[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = await received(file);
    if (done(lines) || Date.now() > deadline) return lines;
    await sleep(50);
  }
}

function expectMessage(line: Received, event: AuditDeliveryEvent, pri: number) {
  expect(line).toEqual({
    pri: String(pri),
    timestamp: event.createdAt,
    hostname: "app-1",
    appName: "ociauth",
    procId: String(process.pid),
    msgId: event.eventType,
    structuredData: `[ociauth@32473 id="${event.id}" seq="${event.sequence}" type="${event.eventType}"]`,
    msg: `${BOM}${jsonLine(event)}`,
  });
}

function device(url: string, caFile?: string): AuditDevice {
  const made = openSyslogDevice({
    url,
    caFile,
    facility: "authpriv",
    appName: "ociauth",
    required: true,
    hostname: "app-1",
    connectTimeoutMs: 2000,
  });
  devices.push(made);
  return made;
}

/** Events with a failure, a read, and text that needs care (a quote, a bracket, a pipe, non-ASCII). */
function mixedEvents(from: number, count: number): AuditDeliveryEvent[] {
  return deliveryEvents(from, count).map((event, i) =>
    i % 3 === 1
      ? { ...event, eventType: "login-user-failed", eventLabel: "Sign-in failed", metadata: { email: 'zoë"]|\\@example.com' } }
      : i % 3 === 2
        ? { ...event, eventType: "get-identity", eventLabel: "Identity viewed" }
        : event,
  );
}

const priOf = (event: AuditDeliveryEvent) => 80 + (event.eventType.endsWith("-failed") ? 4 : event.eventType.startsWith("get-") ? 6 : 5);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "audit-syslog-"));
  await mkdir(join(dir, "work"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-subj",
    "/CN=audit test CA",
    "-days",
    "2",
  );
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  await writeFile(join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "server.ext",
  );
  tcpPort = await freePort();
  tlsPort = await freePort();
  const fields = "%pri%|%timereported:::date-rfc3339%|%hostname%|%app-name%|%procid%|%msgid%|%structured-data%|%msg%\\n";
  await writeFile(
    join(dir, "rsyslog.conf"),
    [
      `global(workDirectory="${dir}/work" maxMessageSize="64k")`,
      `module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="0")`,
      `template(name="fields" type="string" string="${fields}")`,
      `ruleset(name="tcp") { action(type="omfile" file="${dir}/tcp.out" template="fields") }`,
      `ruleset(name="tls") { action(type="omfile" file="${dir}/tls.out" template="fields") }`,
      `input(type="imtcp" port="${tcpPort}" address="127.0.0.1" ruleset="tcp")`,
      `input(type="imtcp" port="${tlsPort}" address="127.0.0.1" ruleset="tls" streamDriver.mode="1" streamDriver.authMode="anon"` +
        ` streamDriver.CAFile="${dir}/ca.pem" streamDriver.CertFile="${dir}/server.pem" streamDriver.KeyFile="${dir}/server.key")`,
      "",
    ].join("\n"),
  );
  await startRsyslog();
}, 60_000);

afterEach(async () => {
  for (const made of devices.splice(0)) await made.close();
});

afterAll(async () => {
  await stopRsyslog();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("syslog audit device against rsyslog", () => {
  it("over TCP: every event arrives in order, parsed as RFC 5424", async () => {
    const audit = device(`tcp://127.0.0.1:${tcpPort}`);
    const sent = mixedEvents(1, 60);
    for (let i = 0; i < sent.length; i += 15) await audit.deliver(sent.slice(i, i + 15));
    const lines = await waitForLines("tcp.out", 60);
    expect(lines).toHaveLength(60);
    lines.forEach((line, i) => expectMessage(line, sent[i]!, priOf(sent[i]!)));
  });

  it("over TLS with a private CA: every event arrives in order; without the CA the connection is refused", async () => {
    const audit = device(`tls://localhost:${tlsPort}`, join(dir, "ca.pem"));
    const sent = mixedEvents(1, 30);
    for (let i = 0; i < sent.length; i += 10) await audit.deliver(sent.slice(i, i + 10));
    const lines = await waitForLines("tls.out", 30);
    expect(lines).toHaveLength(30);
    lines.forEach((line, i) => expectMessage(line, sent[i]!, priOf(sent[i]!)));

    const untrusting = device(`tls://localhost:${tlsPort}`);
    await expect(untrusting.deliver(deliveryEvents(100, 1))).rejects.toThrow(
      `The syslog audit device could not connect to tls://localhost:${tlsPort}: `,
    );
    const missingCa = device(`tls://localhost:${tlsPort}`, join(dir, "nope.pem"));
    await expect(missingCa.deliver(deliveryEvents(100, 1))).rejects.toThrow(
      `The syslog audit device could not read AUDIT_SYSLOG_CA_FILE ${join(dir, "nope.pem")}: ENOENT`,
    );
    expect(await received("tls.out")).toHaveLength(30);
  });

  it("rsyslog killed mid-stream: deliveries reject; after its restart they work again and nothing is lost", async () => {
    const before = (await received("tcp.out")).length;
    const audit = device(`tcp://127.0.0.1:${tcpPort}`);
    const sent = deliveryEvents(1000, 60);
    for (let i = 0; i < 20; i += 5) await audit.deliver(sent.slice(i, i + 5));
    await waitForLines("tcp.out", before + 20);

    // Frozen, rsyslog reads nothing, but its kernel still takes the bytes: these deliveries resolve
    // (TCP syslog has no acknowledgement), and the kill loses them with whatever it had buffered.
    await freeze(rsyslog!);
    for (let i = 20; i < 30; i += 5) await audit.deliver(sent.slice(i, i + 5));
    await stopRsyslog("SIGKILL");
    expect((await received("tcp.out")).length).toBe(before + 20);
    const stoppedAt = Date.now();
    // The outbox's way: a batch stays next until a delivery of it resolves.
    let next = 30;
    let rejection: unknown;
    while (Date.now() - stoppedAt < 3000) {
      try {
        await audit.deliver(sent.slice(next, next + 5));
        next += 5;
      } catch (error) {
        rejection ??= error;
      }
      await sleep(200);
    }
    expect(String(rejection)).toContain(`The syslog audit device could not connect to tcp://127.0.0.1:${tcpPort}: connect ECONNREFUSED`);

    await startRsyslog();
    while (next < sent.length) {
      await audit.deliver(sent.slice(next, next + 5));
      next += 5;
    }
    // Repeats count too: wait for the last event itself.
    const last = `seq="${sent.at(-1)!.sequence}"`;
    const lines = (await waitForLines("tcp.out", 0, (all) => all.some((line) => line.structuredData.includes(last)))).slice(before);
    // At least once: every event, in order of first arrival; a repeat is the same message again (same id).
    const firsts = new Map<string, Received>();
    for (const line of lines) {
      const id = /id="([^"]+)"/.exec(line.structuredData)?.[1] ?? "";
      const seen = firsts.get(id);
      if (seen) expect(line).toEqual(seen);
      else firsts.set(id, line);
    }
    expect([...firsts.values()].map((line) => /seq="(\d+)"/.exec(line.structuredData)?.[1])).toEqual(
      sent.map((event) => String(event.sequence)),
    );
    [...firsts.values()].forEach((line, i) => expectMessage(line, sent[i]!, 85));
  }, 30_000);

  it("a receiver that is not there: a clear rejection", async () => {
    const port = await freePort();
    const audit = device(`tcp://127.0.0.1:${port}`);
    await expect(audit.deliver([deliveryEvent(1)])).rejects.toThrow(
      `The syslog audit device could not connect to tcp://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
