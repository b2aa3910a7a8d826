import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveWriter, InvalidBackupError, readArchive } from "./archive";
import { libpqEnvironment } from "./postgres-tools";

const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-archive-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

async function writeArchive(): Promise<string> {
  const file = path.join(dir, `backup-${counter++}.tar`);
  const fd = openSync(file, "w");
  const archive = new ArchiveWriter(fd);
  archive.addBuffer("manifest.json", Buffer.from('{"a":1}\n'));
  // 1,000 bytes in uneven chunks, of a size known only at the end (as pg_dump's output).
  const streamed = Buffer.alloc(1000, "x");
  expect(await archive.addStream("postgres.pgdump", Readable.from([streamed.subarray(0, 300), streamed.subarray(300)]))).toBe(1000);
  archive.finish();
  closeSync(fd);
  return file;
}

describe("backup archive", () => {
  it("is a tar that tar lists and extracts, with SHA256SUMS that sha256sum checks", async () => {
    const file = await writeArchive();
    expect(execFileSync("tar", ["-tf", file], { encoding: "utf8" }).split("\n").filter(Boolean)).toEqual([
      "manifest.json",
      "postgres.pgdump",
      "SHA256SUMS",
    ]);
    const out = path.join(dir, "extracted");
    execFileSync("mkdir", ["-p", out]);
    execFileSync("tar", ["-xf", file, "-C", out]);
    expect(readFileSync(path.join(out, "postgres.pgdump"))).toEqual(Buffer.alloc(1000, "x"));
    expect(execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out, encoding: "utf8" })).toContain("postgres.pgdump: OK");

    const archive = readArchive(file);
    expect(archive.read("manifest.json").toString()).toBe('{"a":1}\n');
    expect(archive.entries.get("postgres.pgdump")?.size).toBe(1000);
    archive.close();
  });

  it("a changed byte or a cut file is refused before anything is read from it", async () => {
    const damaged = await writeArchive();
    const bytes = readFileSync(damaged);
    bytes[1536 + 10] = "y".charCodeAt(0); // inside postgres.pgdump (after manifest.json's header and block, and its own header)
    writeFileSync(damaged, bytes);
    expect(() => readArchive(damaged)).toThrow(InvalidBackupError);
    expect(() => readArchive(damaged)).toThrow("postgres.pgdump does not match its checksum");

    const header = await writeArchive();
    const headerBytes = readFileSync(header);
    headerBytes[1024 + 3] = "X".charCodeAt(0); // postgres.pgdump's name
    writeFileSync(header, headerBytes);
    expect(() => readArchive(header)).toThrow("the tar header at byte 1024 is damaged");

    const cut = await writeArchive();
    truncateSync(cut, 2000);
    expect(() => readArchive(cut)).toThrow("postgres.pgdump is cut short");

    const notTar = path.join(dir, "not-a-backup");
    writeFileSync(notTar, "hello".repeat(200));
    expect(() => readArchive(notTar)).toThrow("no tar header at byte 0");
  });
});

describe("libpqEnvironment", () => {
  it("passes the password in PGPASSWORD (decoded), maps libpq's parameters and drops the others", () => {
    expect(
      libpqEnvironment("postgresql://app%40x:p%2Fss%3Aw@db.internal:6543/ociauth?sslmode=require&schema=public&connection_limit=5"),
    ).toEqual({
      PGHOST: "db.internal",
      PGPORT: "6543",
      PGUSER: "app@x",
      PGPASSWORD: "p/ss:w",
      PGDATABASE: "ociauth",
      PGSSLMODE: "require",
    });
    expect(libpqEnvironment("postgres://[::1]/db")).toEqual({ PGHOST: "::1", PGDATABASE: "db" });
  });
});
