import { readFile } from "node:fs/promises";
import { connect as tcpConnect, isIP, type Socket } from "node:net";
import { hostname } from "node:os";
import { connect as tlsConnect } from "node:tls";
import type { AppConfig, SyslogFacility } from "../../../core/config";
import type { AuditDevice } from "./audit-device";
import { octetCounted, syslogMessage } from "./syslog-message";

export interface SyslogDeviceOptions {
  /** `tcp://host:port` or `tls://host:port`. */
  url: string;
  /** PEM CA(s) for a TLS receiver signed by a private CA. */
  caFile?: string;
  facility: SyslogFacility;
  appName: string;
  required: boolean;
  hostname?: string;
  connectTimeoutMs?: number;
  /** How long the receiver may take to accept a batch before the connection counts as failed. */
  writeTimeoutMs?: number;
}

/** The syslog device from the environment; undefined when AUDIT_SYSLOG_URL is not set. */
export function createSyslogDevice(config: AppConfig): AuditDevice | undefined {
  if (!config.AUDIT_SYSLOG_URL) return undefined;
  return openSyslogDevice({
    url: config.AUDIT_SYSLOG_URL,
    caFile: config.AUDIT_SYSLOG_CA_FILE,
    facility: config.AUDIT_SYSLOG_FACILITY,
    appName: config.AUDIT_SYSLOG_APP_NAME,
    required: config.AUDIT_SYSLOG_REQUIRED,
  });
}

/**
 * What is sent again after a lost connection: the messages of the last deliveries, up to this
 * many bytes (more than the kernel buffers of both ends hold on a usual link), since TCP syslog
 * has no acknowledgement and what was in flight when the receiver went away may be gone.
 */
export const SYSLOG_REPLAY_BYTES = 1024 * 1024;

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Sends each event as an RFC 5424 message, octet-counted (RFC 6587), over one TCP or TLS
 * connection, opened when first needed and again after a failure. deliver() resolves once the
 * batch has been handed to the operating system for a connection the receiver accepted.
 */
export function openSyslogDevice(options: SyslogDeviceOptions): AuditDevice {
  const url = new URL(options.url);
  const useTls = url.protocol === "tls:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port);
  const header = {
    facility: options.facility,
    hostname: options.hostname ?? hostname(),
    appName: options.appName,
    procId: String(process.pid),
  };
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
  let socket: Socket | undefined;
  /** The last connection ended without close(): its last messages are sent again on the next one. */
  let lost = false;
  const recent: Buffer[] = [];
  let recentBytes = 0;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  async function connect(): Promise<Socket> {
    let ca: Buffer | undefined;
    if (options.caFile) {
      ca = await readFile(options.caFile).catch((error: unknown) => {
        throw new Error(`The syslog audit device could not read AUDIT_SYSLOG_CA_FILE ${options.caFile}: ${reasonOf(error)}`);
      });
    }
    const opened = await new Promise<Socket>((resolve, reject) => {
      const next = useTls ? tlsConnect({ host, port, ca, servername: isIP(host) ? undefined : host }) : tcpConnect({ host, port });
      const timer = setTimeout(() => next.destroy(new Error(`no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      next.once(useTls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        next.off("error", fail);
        resolve(next);
      });
      const fail = (error: Error) => {
        clearTimeout(timer);
        next.destroy();
        reject(new Error(`The syslog audit device could not connect to ${options.url}: ${error.message}`));
      };
      next.once("error", fail);
    });
    opened.setKeepAlive(true, 30_000);
    // A receiver sends nothing; its end of the stream means it is gone.
    opened.on("data", () => undefined);
    opened.on("end", () => opened.destroy());
    opened.on("error", () => undefined);
    opened.on("close", () => {
      if (socket !== opened) return;
      socket = undefined;
      lost = !closed;
    });
    return opened;
  }

  function send(target: Socket, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => target.destroy(new Error(`the receiver took none of it within ${writeTimeoutMs} ms`)), writeTimeoutMs);
      const onClose = () => finish(new Error("the connection closed"));
      const finish = (error?: Error | null) => {
        clearTimeout(timer);
        target.off("close", onClose);
        if (error) reject(error);
        else resolve();
      };
      target.once("close", onClose);
      // The callback runs once the data has left Node for the kernel: written, and drained.
      target.write(data, (error) => finish(error));
    });
  }

  function remember(frames: Buffer[]): void {
    for (const frame of frames) {
      recent.push(frame);
      recentBytes += frame.length;
    }
    while (recentBytes > SYSLOG_REPLAY_BYTES && recent.length > 1) recentBytes -= recent.shift()!.length;
  }

  return {
    name: "syslog",
    required: options.required,
    deliver(events) {
      return serial(async () => {
        if (closed) throw new Error(`The syslog audit device for ${options.url} is closed`);
        if (events.length === 0) return;
        const frames = events.map((event) => octetCounted(syslogMessage(event, header)));
        let replay: Buffer[] = [];
        if (!socket || socket.destroyed) {
          socket = await connect();
          if (lost) replay = recent;
          lost = false;
        }
        const target = socket;
        try {
          await send(target, Buffer.concat([...replay, ...frames]));
        } catch (error) {
          target.destroy();
          if (socket === target) socket = undefined;
          lost = true;
          throw new Error(`The syslog audit device could not send to ${options.url}: ${reasonOf(error)}`);
        }
        remember(frames);
      });
    },
    close() {
      return serial(async () => {
        closed = true;
        const open = socket;
        socket = undefined;
        if (!open || open.destroyed) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => open.destroy(), 2000);
          open.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
          open.end();
        });
      });
    },
  };
}
