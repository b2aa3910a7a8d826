import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DamagedDataFolderError, openPGlite, pgliteSharedBuffers } from "./pglite";

describe("openPGlite", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "ociauth-pglite-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("creates missing parent folders and keeps data across reopen", async () => {
    const dir = path.join(root, "a", "b", "data");
    const db = await openPGlite(dir);
    await db.exec("CREATE TABLE t (x int); INSERT INTO t VALUES (42);");
    await db.close();
    const again = await openPGlite(dir);
    expect((await again.query("SELECT x FROM t")).rows).toEqual([{ x: 42 }]);
    await again.close();
  });

  it("reports a damaged data folder clearly instead of an obscure start-up failure", async () => {
    const dir = path.join(root, "damaged");
    const db = await openPGlite(dir);
    await db.close();
    writeFileSync(path.join(dir, "global", "pg_control"), Buffer.alloc(8192, 7));
    const error = await openPGlite(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DamagedDataFolderError);
    expect((error as Error).message).toContain(`The embedded database in ${dir} could not be opened: it looks damaged`);
    expect((error as Error).message).toContain("Restore the folder from a backup");
  });
});

describe("PGlite's shared buffers", () => {
  it("start at 16MB (the embedded server's memory), or at PGLITE_SHARED_BUFFERS", async () => {
    const db = await openPGlite();
    expect((await db.query("SHOW shared_buffers")).rows).toEqual([{ shared_buffers: "16MB" }]);
    await db.close();
    expect(pgliteSharedBuffers({ PGLITE_SHARED_BUFFERS: "128MB" })).toBe("128MB");
    expect(pgliteSharedBuffers({ PGLITE_SHARED_BUFFERS: " " })).toBe("16MB");
  });

  it("a bad PGLITE_SHARED_BUFFERS stops the open before the folder is touched, and says so (not a damaged folder)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-pglite-buffers-"));
    process.env.PGLITE_SHARED_BUFFERS = "2GB";
    try {
      const error = await openPGlite(path.join(dir, "data")).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(DamagedDataFolderError);
      expect((error as Error).message).toMatch(/^PGLITE_SHARED_BUFFERS must be a size from 1MB to 1GB/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      delete process.env.PGLITE_SHARED_BUFFERS;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(["lots", "16", "16mb", "512kB", "2GB", "-1MB"])("refuse %j with what to write instead", (value) => {
    expect(() => pgliteSharedBuffers({ PGLITE_SHARED_BUFFERS: value })).toThrow(
      `PGLITE_SHARED_BUFFERS must be a size from 1MB to 1GB such as 16MB or 128MB (kB, MB or GB), not "${value}".`,
    );
  });
});
