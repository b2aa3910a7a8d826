import { constants } from "node:fs";
import { type FileHandle, open, rename, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { AppConfig } from "../../../core/config";
import { jsonLine } from "../audit-export-fns";
import type { AuditDeliveryEvent, AuditDevice } from "./audit-device";

export interface FileDeviceOptions {
  path: string;
  maxBytes: number;
  maxFiles: number;
  fsyncIntervalMs: number;
  required: boolean;
  /** The fsync itself (tests count the calls or make it fail). */
  sync?: (file: FileHandle) => Promise<void>;
}

/** The file device from the environment; undefined when AUDIT_FILE_PATH is not set. */
export function createFileDevice(config: AppConfig): AuditDevice | undefined {
  if (!config.AUDIT_FILE_PATH) return undefined;
  return openFileDevice({
    path: config.AUDIT_FILE_PATH,
    maxBytes: config.AUDIT_FILE_MAX_BYTES,
    maxFiles: config.AUDIT_FILE_MAX_FILES,
    fsyncIntervalMs: config.AUDIT_FILE_FSYNC_INTERVAL_MS,
    required: config.AUDIT_FILE_REQUIRED,
  });
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/** What went wrong with the audit file, in words an operator can act on. */
export function fileDeviceErrorMessage(path: string, action: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  const hint: Record<string, string> = {
    ENOSPC: "the disk is full",
    EDQUOT: "the disk quota is exhausted",
    EACCES: "permission denied: the service's user must be able to write the file and its folder",
    EPERM: "permission denied: the service's user must be able to write the file and its folder",
    EROFS: "the file system is read-only",
    EISDIR: "the path is a folder; AUDIT_FILE_PATH names a file",
  };
  const reason = hint[errorCode(error) ?? ""];
  return `The audit file device could not ${action} ${path}: ${reason ? `${reason} (${detail})` : detail}`;
}

/**
 * Appends each event as one JSON line (the audit export's), rotating by size and fsyncing on a
 * schedule. deliver() resolves once the fsync after its lines has completed, so a crash never
 * loses a delivered event: what was written but not yet synced belongs to a delivery that has not
 * resolved, which the outbox delivers again (the same event ids). A crash can leave a torn last
 * line; the next open starts on a fresh line so it stays one bad line, never glued to the next event.
 */
export function openFileDevice(options: FileDeviceOptions): AuditDevice {
  const { path, maxBytes, maxFiles, fsyncIntervalMs } = options;
  const sync = options.sync ?? ((file: FileHandle) => file.sync());
  let file: FileHandle | undefined;
  let size = 0;
  /** Lines handed to the file so far, and how many of them the last fsync covered. */
  let written = 0;
  let synced = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const waiters: { upTo: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  /** Writes, rotations, fsyncs and closing run one at a time, in the order asked. */
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  async function openFile(): Promise<FileHandle> {
    if (file) return file;
    const folder = dirname(path);
    const folderStat = await stat(folder).catch((error: unknown) => {
      if (errorCode(error) === "ENOENT")
        throw new Error(
          `The audit file device could not open ${path}: the folder ${folder} does not exist (create it; the device does not)`,
        );
      throw new Error(fileDeviceErrorMessage(folder, "open the folder of", error));
    });
    if (!folderStat.isDirectory()) throw new Error(`The audit file device could not open ${path}: ${folder} is not a folder`);
    const handle = await open(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600).catch((error: unknown) => {
      throw new Error(fileDeviceErrorMessage(path, "open", error));
    });
    try {
      size = (await handle.stat()).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) size += (await handle.write("\n")).bytesWritten;
      }
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw new Error(fileDeviceErrorMessage(path, "read the end of", error));
    }
    file = handle;
    return handle;
  }

  /** Closes the file after an error: the next delivery opens it afresh. */
  async function drop(): Promise<void> {
    const handle = file;
    file = undefined;
    await handle?.close().catch(() => undefined);
  }

  function settle(error?: Error): void {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (error) waiter.reject(error);
      else if (waiter.upTo <= synced) waiter.resolve();
      else continue;
      waiters.splice(i, 1);
    }
  }

  /** fsync what was written; every waiter it covers resolves (all of them reject when it fails). */
  async function syncNow(): Promise<void> {
    if (!file || synced === written) return;
    const upTo = written;
    try {
      await sync(file);
    } catch (error) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing since the last
      // good fsync counts as recorded, and the outbox delivers it again.
      await drop();
      synced = written;
      settle(new Error(fileDeviceErrorMessage(path, "fsync", error)));
      return;
    }
    synced = upTo;
    settle();
  }

  function schedule(): void {
    if (timer || synced === written) return;
    timer = setTimeout(() => {
      timer = undefined;
      void serial(syncNow).finally(schedule);
    }, fsyncIntervalMs);
  }

  /** audit.log → audit.log.1 → … → audit.log.<maxFiles>, the oldest dropped; then a fresh audit.log. */
  async function rotate(): Promise<void> {
    // Everything in the old file, the current delivery's first lines included, is synced before it is closed.
    if (file) {
      const upTo = written;
      try {
        await sync(file);
      } catch (error) {
        await drop();
        synced = written;
        const failure = new Error(fileDeviceErrorMessage(path, "fsync", error));
        settle(failure);
        throw failure;
      }
      synced = upTo;
      settle();
    }
    await drop();
    try {
      await unlink(`${path}.${maxFiles}`).catch((error: unknown) => {
        if (errorCode(error) !== "ENOENT") throw error;
      });
      for (let n = maxFiles - 1; n >= 1; n--) {
        await rename(`${path}.${n}`, `${path}.${n + 1}`).catch((error: unknown) => {
          if (errorCode(error) !== "ENOENT") throw error;
        });
      }
      await rename(path, `${path}.1`);
    } catch (error) {
      throw new Error(fileDeviceErrorMessage(path, "rotate", error));
    }
    await openFile();
    // The renames and the new file are entries of the folder: make them durable too.
    const folder = await open(dirname(path), constants.O_RDONLY);
    try {
      await sync(folder);
    } finally {
      await folder.close();
    }
  }

  async function append(chunk: string): Promise<void> {
    const handle = await openFile();
    const bytes = Buffer.from(chunk);
    try {
      let offset = 0;
      while (offset < bytes.length) offset += (await handle.write(bytes, offset)).bytesWritten;
      size += bytes.length;
    } catch (error) {
      // Cut a partly written chunk off, so the file holds whole lines only.
      await handle.truncate(size).catch(() => undefined);
      await drop();
      throw new Error(fileDeviceErrorMessage(path, "write", error));
    }
  }

  /** Writes the events; `done` resolves after the fsync that covers them (an object: a returned promise would be awaited). */
  async function write(events: readonly AuditDeliveryEvent[]): Promise<{ done: Promise<void> }> {
    if (closed) throw new Error(`The audit file device for ${path} is closed`);
    await openFile();
    let chunk = "";
    let chunkBytes = 0;
    for (const event of events) {
      const line = `${jsonLine(event)}\n`;
      const lineBytes = Buffer.byteLength(line);
      if (size + chunkBytes + lineBytes > maxBytes && size + chunkBytes > 0) {
        if (chunk) await append(chunk);
        chunk = "";
        chunkBytes = 0;
        await rotate();
      }
      chunk += line;
      chunkBytes += lineBytes;
    }
    if (chunk) await append(chunk);
    written += 1;
    const upTo = written;
    return { done: new Promise<void>((resolve, reject) => waiters.push({ upTo, resolve, reject })) };
  }

  return {
    name: "file",
    required: options.required,
    async deliver(events) {
      if (events.length === 0) return;
      const { done } = await serial(() => write(events));
      if (fsyncIntervalMs === 0) void serial(syncNow);
      else schedule();
      return done;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await serial(async () => {
        await syncNow();
        await drop();
      });
    },
  };
}
