import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../core/config";
import { jsonLine } from "../audit-export-fns";
import type { AuditDevice } from "./audit-device";
import { deliveryEvent, deliveryEvents as events } from "./delivery-events.test-helpers";
import { createFileDevice, fileDeviceErrorMessage, openFileDevice } from "./file-device";

const lines = async (path: string) => (await readFile(path, "utf8")).split("\n").filter(Boolean);
const sequences = async (path: string) => (await lines(path)).map((line) => (JSON.parse(line) as { sequence: number }).sequence);

let dir: string;
const devices: AuditDevice[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "audit-file-"));
});
afterEach(async () => {
  for (const device of devices.splice(0)) await device.close();
  await rm(dir, { recursive: true, force: true });
});

function device(options: Partial<Parameters<typeof openFileDevice>[0]> = {}) {
  const made = openFileDevice({
    path: join(dir, "audit.log"),
    maxBytes: 1_000_000,
    maxFiles: 3,
    fsyncIntervalMs: 20,
    required: false,
    ...options,
  });
  devices.push(made);
  return made;
}

describe("file audit device", () => {
  it("is made from the environment only when AUDIT_FILE_PATH is set", () => {
    expect(createFileDevice(loadConfig({}))).toBeUndefined();
    const made = createFileDevice(loadConfig({ AUDIT_FILE_PATH: join(dir, "audit.log"), AUDIT_FILE_REQUIRED: "true" }));
    expect(made?.name).toBe("file");
    expect(made?.required).toBe(true);
    expect(() => loadConfig({ AUDIT_FILE_PATH: "audit.log" })).toThrow("AUDIT_FILE_PATH must be an absolute path");
    expect(() => loadConfig({ AUDIT_FILE_REQUIRED: "yes" })).toThrow("AUDIT_FILE_REQUIRED must be true or false");
  });

  it("appends the export's JSON lines, in order, to a 0600 file", async () => {
    const audit = device();
    await audit.deliver(events(1, 3));
    await audit.deliver(events(4, 2));
    const path = join(dir, "audit.log");
    expect(await lines(path)).toEqual(events(1, 5).map((event) => jsonLine(event)));
    expect(await sequences(path)).toEqual([1, 2, 3, 4, 5]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("resolves only after an fsync, and concurrent deliveries share one", async () => {
    let syncs = 0;
    let syncedLines = 0;
    const path = join(dir, "audit.log");
    const audit = device({
      fsyncIntervalMs: 100,
      sync: async (file) => {
        syncs += 1;
        await file.sync();
        syncedLines = (await lines(path)).length;
      },
    });
    const started = Date.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => audit.deliver(events(i * 5 + 1, 5))));
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(syncs).toBe(1);
    expect(syncedLines).toBe(100);
    expect(await sequences(path)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("with an interval of 0 it fsyncs at once", async () => {
    let syncs = 0;
    const audit = device({ fsyncIntervalMs: 0, sync: async (file) => void ((syncs += 1), await file.sync()) });
    await audit.deliver(events(1, 1));
    await audit.deliver(events(2, 1));
    expect(syncs).toBe(2);
  });

  it("rotates before a write would pass the size, keeping maxFiles old files", async () => {
    const lineBytes = Buffer.byteLength(`${jsonLine(deliveryEvent(10))}\n`);
    const audit = device({ maxBytes: lineBytes * 4, maxFiles: 2 });
    for (let n = 10; n < 24; n += 2) await audit.deliver(events(n, 2));
    const path = join(dir, "audit.log");
    // 14 events, 4 a file: 22–23 current, 18–21 in .1, 14–17 in .2; 10–13 fell off.
    expect(await sequences(path)).toEqual([22, 23]);
    expect(await sequences(`${path}.1`)).toEqual([18, 19, 20, 21]);
    expect(await sequences(`${path}.2`)).toEqual([14, 15, 16, 17]);
    await expect(stat(`${path}.3`)).rejects.toThrow("ENOENT");
    for (const name of [path, `${path}.1`, `${path}.2`]) expect((await stat(name)).size).toBeLessThanOrEqual(lineBytes * 4);
  });

  it("a batch that crosses the size is split across the rotation, and a line larger than the size gets a file of its own", async () => {
    const lineBytes = Buffer.byteLength(`${jsonLine(deliveryEvent(10))}\n`);
    const audit = device({ maxBytes: lineBytes * 3 });
    await audit.deliver(events(10, 5));
    const path = join(dir, "audit.log");
    expect(await sequences(`${path}.1`)).toEqual([10, 11, 12]);
    expect(await sequences(path)).toEqual([13, 14]);
    await audit.deliver([deliveryEvent(15, { metadata: { note: "x".repeat(lineBytes * 4) } })]);
    expect(await sequences(path)).toEqual([15]);
    expect(await sequences(`${path}.1`)).toEqual([13, 14]);
  });

  it("after a crash's torn last line, the next event starts on a line of its own", async () => {
    const path = join(dir, "audit.log");
    await writeFile(path, `${jsonLine(deliveryEvent(1))}\n{"id":"torn`);
    const audit = device();
    await audit.deliver(events(2, 1));
    const text = await readFile(path, "utf8");
    expect(text.split("\n")).toEqual([jsonLine(deliveryEvent(1)), '{"id":"torn', jsonLine(deliveryEvent(2)), ""]);
  });

  it("rejects with a clear message when the folder is missing, and when the disk is full", async () => {
    const missing = device({ path: join(dir, "nope", "audit.log") });
    await expect(missing.deliver(events(1, 1))).rejects.toThrow(
      `The audit file device could not open ${join(dir, "nope", "audit.log")}: the folder ${join(dir, "nope")} does not exist (create it; the device does not)`,
    );
    // /dev/full accepts an open and fails every write with ENOSPC.
    const full = device({ path: "/dev/full" });
    await expect(full.deliver(events(1, 1))).rejects.toThrow("The audit file device could not write /dev/full: the disk is full (ENOSPC");
    await expect(full.deliver(events(1, 1))).rejects.toThrow("the disk is full");
  });

  it("names permission problems and read-only disks in words", () => {
    const error = (code: string) => Object.assign(new Error(`${code}: something, open '/var/log/a/audit.log'`), { code });
    expect(fileDeviceErrorMessage("/var/log/a/audit.log", "open", error("EACCES"))).toBe(
      "The audit file device could not open /var/log/a/audit.log: permission denied: the service's user must be able to write the file and its folder (EACCES: something, open '/var/log/a/audit.log')",
    );
    expect(fileDeviceErrorMessage("/x", "write", error("EROFS"))).toContain("the file system is read-only");
    expect(fileDeviceErrorMessage("/x", "write", error("EIO"))).toBe(
      "The audit file device could not write /x: EIO: something, open '/var/log/a/audit.log'",
    );
  });

  it("a failed fsync rejects every delivery it covered; the next ones work again", async () => {
    let fail = true;
    const audit = device({
      sync: async (file) => {
        if (fail) throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
        await file.sync();
      },
    });
    const results = await Promise.allSettled([audit.deliver(events(1, 1)), audit.deliver(events(2, 1))]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain(
      `The audit file device could not fsync ${join(dir, "audit.log")}: EIO: i/o error, fsync`,
    );
    fail = false;
    await audit.deliver(events(1, 2));
    expect(await sequences(join(dir, "audit.log"))).toEqual([1, 2, 1, 2]);
  });

  it("close() syncs what is pending, and later deliveries are refused", async () => {
    const audit = device({ fsyncIntervalMs: 60_000 });
    const pending = audit.deliver(events(1, 2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await audit.close();
    await pending;
    await expect(audit.deliver(events(3, 1))).rejects.toThrow("is closed");
  });
});
