/**
 * The backup file: a plain tar (ustar, readable with `tar -tvf`) of regular files, written and
 * read here without a dependency. The last entry, `SHA256SUMS`, holds the SHA-256 of every other
 * entry (`sha256sum -c` format), so a truncated or damaged file is refused before anything is
 * restored from it.
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import type { Readable } from "node:stream";

const BLOCK = 512;
export const CHECKSUMS_ENTRY = "SHA256SUMS";

function header(name: string, size: number, mtime: Date): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`archive entry name too long: ${name}`);
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, "utf8");
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, "0") + "\0";
  block.write(octal(0o600, 8), 100);
  block.write(octal(0, 8), 108); // uid
  block.write(octal(0, 8), 116); // gid
  block.write(octal(size, 12), 124);
  block.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136);
  block.write("0", 156); // regular file
  block.write("ustar\0", 257);
  block.write("00", 263);
  block.write(headerChecksum(block).toString(8).padStart(6, "0") + "\0 ", 148);
  return block;
}

/** The sum of the header's bytes with its checksum field counted as spaces. */
function headerChecksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/** Writes entries one after another into an open file descriptor; `finish()` adds SHA256SUMS and the end marker. */
export class ArchiveWriter {
  private position = 0;
  private readonly sums: [string, string][] = [];
  private readonly mtime = new Date();

  constructor(private readonly fd: number) {}

  private write(data: Buffer) {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, this.position + done);
    this.position += data.length;
  }

  addBuffer(name: string, data: Buffer): void {
    this.write(header(name, data.length, this.mtime));
    this.write(data);
    this.write(Buffer.alloc(padding(data.length)));
    this.sums.push([name, createHash("sha256").update(data).digest("hex")]);
  }

  /** Streams an entry of unknown size (a pg_dump's output): the header is written once the size is known. */
  async addStream(name: string, stream: Readable): Promise<number> {
    const headerAt = this.position;
    this.position += BLOCK;
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      this.write(chunk);
      hash.update(chunk);
      size += chunk.length;
    }
    this.write(Buffer.alloc(padding(size)));
    const end = this.position;
    this.position = headerAt;
    this.write(header(name, size, this.mtime));
    this.position = end;
    this.sums.push([name, hash.digest("hex")]);
    return size;
  }

  finish(): void {
    this.addBuffer(CHECKSUMS_ENTRY, Buffer.from(this.sums.map(([name, sum]) => `${sum}  ${name}\n`).join("")));
    this.write(Buffer.alloc(BLOCK * 2));
  }
}

export interface ArchiveEntry {
  name: string;
  size: number;
  /** Where the entry's bytes start in the file. */
  offset: number;
}

export class InvalidBackupError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a usable OCI Auth backup: ${reason}.`);
    this.name = "InvalidBackupError";
  }
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** Lists a backup file's entries and checks each against SHA256SUMS; throws InvalidBackupError otherwise. */
export function readArchive(file: string): { entries: Map<string, ArchiveEntry>; read(name: string): Buffer; close(): void } {
  const fd = openSync(file, "r");
  try {
    const fileSize = fstatSync(fd).size;
    const entries = new Map<string, ArchiveEntry>();
    let position = 0;
    let ended = false;
    while (position + BLOCK <= fileSize) {
      const block = readExactly(fd, BLOCK, position);
      if (block.every((byte) => byte === 0)) {
        ended = true;
        break;
      }
      if (block.toString("latin1", 257, 262) !== "ustar") throw new InvalidBackupError(file, `no tar header at byte ${position}`);
      if (headerChecksum(block) !== parseInt(block.toString("latin1", 148, 156).replace(/\0.*$/s, "").trim(), 8)) {
        throw new InvalidBackupError(file, `the tar header at byte ${position} is damaged`);
      }
      const name = block.toString("utf8", 0, 100).replace(/\0.*$/s, "");
      const size = parseInt(block.toString("latin1", 124, 136).replace(/\0.*$/s, "").trim(), 8);
      const offset = position + BLOCK;
      if (!Number.isFinite(size) || offset + size > fileSize)
        throw new InvalidBackupError(file, `entry ${name} is cut short (truncated file?)`);
      entries.set(name, { name, size, offset });
      position = offset + size + padding(size);
    }
    if (!ended) throw new InvalidBackupError(file, "the end of the archive is missing (truncated file?)");
    const read = (name: string) => {
      const entry = entries.get(name);
      if (!entry) throw new InvalidBackupError(file, `it has no ${name}`);
      return readExactly(fd, entry.size, entry.offset);
    };
    const sums = read(CHECKSUMS_ENTRY)
      .toString("utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => /^([0-9a-f]{64}) {2}(.+)$/.exec(line))
      .map((match) => {
        if (!match) throw new InvalidBackupError(file, `${CHECKSUMS_ENTRY} is malformed`);
        return [match[2]!, match[1]!] as const;
      });
    for (const name of entries.keys()) {
      if (name !== CHECKSUMS_ENTRY && !sums.some(([n]) => n === name)) throw new InvalidBackupError(file, `${name} has no checksum`);
    }
    for (const [name, expected] of sums) {
      const entry = entries.get(name);
      if (!entry) throw new InvalidBackupError(file, `${name} is listed in ${CHECKSUMS_ENTRY} but missing`);
      if (hashRange(fd, entry) !== expected) throw new InvalidBackupError(file, `${name} does not match its checksum (damaged file?)`);
    }
    return { entries, read, close: () => closeSync(fd) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function hashRange(fd: number, entry: ArchiveEntry): string {
  const hash: Hash = createHash("sha256");
  const chunk = Buffer.alloc(1 << 20);
  for (let done = 0; done < entry.size;) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, entry.size - done), entry.offset + done);
    if (n === 0) break;
    hash.update(chunk.subarray(0, n));
    done += n;
  }
  return hash.digest("hex");
}
