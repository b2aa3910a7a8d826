import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "./client";
import { type DatabaseTarget, resolveMigrationsDir } from "./database-target";
import {
  MigrationFailedError,
  ModifiedMigrationError,
  migrateDatabase,
  openMigratedDatabase,
  readMigrationFolders,
  runPrismaMigrateDeploy,
  scriptMatchesChecksum,
} from "./migrations";
import { expectedMigrationSnapshot, snapshotMigrations } from "./testing";

const root = mkdtempSync(path.join(os.tmpdir(), "ociauth-startmig-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A copy of prisma/migrations the test may add to or edit. */
function copyMigrations(): string {
  const dir = path.join(root, `migrations-${counter++}`);
  cpSync(resolveMigrationsDir(), dir, { recursive: true });
  return dir;
}

async function newTarget(kind: "pglite" | "postgres"): Promise<DatabaseTarget> {
  if (kind === "pglite") return { kind, dataDir: path.join(root, `data-${counter++}`) };
  const server = process.env.TEST_PG_URL!;
  const name = `startmig_${process.pid}_${counter++}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { kind, url: url.toString() };
}

/** Prisma's real migrate deploy, counted. */
const countedDeploy = () => vi.fn(runPrismaMigrateDeploy);
const quiet = { stdio: "pipe" as const, log: () => undefined };

async function migrate(target: DatabaseTarget, migrationsDir: string, deploy = countedDeploy()) {
  const started = performance.now();
  const { database, report } = await openMigratedDatabase(target, { migrationsDir, deploy, ...quiet });
  return { database, report, deploy, ms: performance.now() - started };
}

describe("scriptMatchesChecksum (Prisma's comparison)", () => {
  const script = Buffer.from("CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n");
  const hex = (text: string) => createHash("sha256").update(text).digest("hex");

  it("matches the SHA-256 of the script whatever its line endings", () => {
    expect(scriptMatchesChecksum(script, hex(script.toString()))).toBe(true);
    expect(scriptMatchesChecksum(script, hex(script.toString().replaceAll("\n", "\r\n")))).toBe(true);
    expect(scriptMatchesChecksum(Buffer.from(script.toString().replaceAll("\n", "\r\n")), hex(script.toString()))).toBe(true);
  });

  it("accepts checksums without zero padding (old Prisma versions) and rejects any other script", () => {
    const unpadded = [...Buffer.from(hex(script.toString()), "hex")].map((b) => b.toString(16)).join("");
    if (unpadded.length !== 64) expect(scriptMatchesChecksum(script, unpadded)).toBe(true);
    expect(scriptMatchesChecksum(Buffer.from("CREATE TABLE a (x int);\n"), hex(script.toString()))).toBe(false);
    expect(scriptMatchesChecksum(script, "")).toBe(false);
  });
});

describe.each(["pglite", "postgres"] as const)("start-up migrations on %s", (kind) => {
  it("a new database: Prisma applies every migration once; a start with nothing pending spawns no Prisma process", async () => {
    const dir = copyMigrations();
    const target = await newTarget(kind);
    const fresh = await migrate(target, dir);
    expect(fresh.deploy).toHaveBeenCalledTimes(1);
    expect(fresh.report).toEqual({ deployed: true, applied: readMigrationFolders(dir).map((folder) => folder.name) });
    expect(await snapshotMigrations(fresh.database)).toEqual(await expectedMigrationSnapshot(dir));
    await fresh.database.close();

    const upToDate = await migrate(target, dir);
    expect(upToDate.deploy).not.toHaveBeenCalled();
    expect(upToDate.report).toEqual({ deployed: false, applied: [] });
    expect(await upToDate.database.prisma.identity.count()).toBe(0);
    await upToDate.database.close();
    // Opening and one query against starting Prisma's CLI (which opens the database as well).
    expect(upToDate.ms).toBeLessThan(fresh.ms);
    console.log(`${kind}: new database migrated in ${Math.round(fresh.ms)} ms, up-to-date check ${Math.round(upToDate.ms)} ms`);
  });

  it("a migration added since the last start is applied by Prisma, and only it", async () => {
    const dir = copyMigrations();
    const target = await newTarget(kind);
    await (await migrate(target, dir)).database.close();
    mkdirSync(path.join(dir, "29990101000000_probe"));
    writeFileSync(path.join(dir, "29990101000000_probe", "migration.sql"), "CREATE TABLE migration_probe (id int PRIMARY KEY);\n");

    const next = await migrate(target, dir);
    expect(next.deploy).toHaveBeenCalledTimes(1);
    expect(next.report).toEqual({ deployed: true, applied: ["29990101000000_probe"] });
    const snapshot = await snapshotMigrations(next.database);
    expect(snapshot.tables).toContain("migration_probe");
    expect(snapshot).toEqual(await expectedMigrationSnapshot(dir));
    await next.database.close();
  });

  it("rollback: the previous release starts on a database the next one migrated (a migration it does not know), without running Prisma", async () => {
    const previous = copyMigrations();
    const next = copyMigrations();
    mkdirSync(path.join(next, "29990101000000_expand"));
    writeFileSync(path.join(next, "29990101000000_expand", "migration.sql"), "ALTER TABLE identities ADD COLUMN rollback_probe text;\n");
    const target = await newTarget(kind);
    await (await migrate(target, next)).database.close();

    const rolledBack = await migrate(target, previous);
    expect(rolledBack.deploy).not.toHaveBeenCalled();
    expect(rolledBack.report).toEqual({ deployed: false, applied: [] });
    // Its client names the columns it knows: the expanded table reads as before.
    expect(await rolledBack.database.prisma.identity.findMany()).toEqual([]);
    await rolledBack.database.close();
  });

  it("the organization slugs migration gives existing organizations unique slugs from their names", async () => {
    const dir = copyMigrations();
    const slugsMigration = "20261207161000_organization_slugs";
    // Held back with every later migration: the database is as it was just before slugs existed.
    const heldBack = readdirSync(dir)
      .filter((name) => /^\d{14}_/.test(name) && name >= slugsMigration)
      .sort();
    const held = path.join(root, `held-${counter++}`);
    for (const name of heldBack) {
      cpSync(path.join(dir, name), path.join(held, name), { recursive: true });
      rmSync(path.join(dir, name), { recursive: true });
    }
    const target = await newTarget(kind);
    const before = await migrate(target, dir);
    const names = ["Acme", "acme", "ACME!", "Café Zürich", "***", "", "Build & Deploy -- Team", "Acme 2"];
    for (const [i, name] of names.entries()) {
      await before.database.prisma.$executeRawUnsafe(
        `INSERT INTO organizations (id, name, "createdAt", "updatedAt") VALUES ($1::uuid, $2, now() + ($3 || ' seconds')::interval, now())`,
        `0000000${i}-aaaa-4bbb-8ccc-123456789abc`,
        name,
        String(i),
      );
    }
    await before.database.close();
    for (const name of heldBack) cpSync(path.join(held, name), path.join(dir, name), { recursive: true });

    const after = await migrate(target, dir);
    expect(after.report).toEqual({ deployed: true, applied: heldBack });
    expect(heldBack[0]).toBe(slugsMigration);
    const rows = await after.database.prisma.$queryRawUnsafe<{ name: string; slug: string }[]>(
      `SELECT name, slug FROM organizations ORDER BY "createdAt"`,
    );
    expect(rows.map((row) => row.slug)).toEqual([
      "acme",
      "acme-2",
      "acme-3",
      "cafe-zurich",
      "org",
      "org-2",
      "build-deploy-team",
      "acme-2-00000007aaaa4bbb8ccc123456789abc",
    ]);
    await expect(
      after.database.prisma.$executeRawUnsafe(
        `INSERT INTO organizations (id, name, slug, "updatedAt") VALUES (gen_random_uuid(), 'x', 'acme', now())`,
      ),
    ).rejects.toThrow();
    await after.database.close();
  });

  it("an applied migration edited afterwards is refused, where Prisma's deploy would ignore it", async () => {
    const dir = copyMigrations();
    const target = await newTarget(kind);
    await (await migrate(target, dir)).database.close();
    const [first] = readMigrationFolders(dir);
    const file = path.join(dir, first!.name, "migration.sql");
    // Line endings alone are no change (Prisma compares line-ending agnostic)…
    writeFileSync(file, readFileSync(file, "utf8").replaceAll("\n", "\r\n"));
    const crlf = await migrate(target, dir);
    expect(crlf.deploy).not.toHaveBeenCalled();
    await crlf.database.close();
    // …an edit is.
    appendFileSync(file, "\n-- edited after it was applied\n");
    const deploy = countedDeploy();
    const error = await openMigratedDatabase(target, { migrationsDir: dir, deploy, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModifiedMigrationError);
    expect((error as Error).message).toContain(`${file} no longer matches the checksum recorded in _prisma_migrations`);
    expect(deploy).not.toHaveBeenCalled();
    // Prisma's own deploy goes on regardless: why the check refuses rather than deferring to it.
    await expect(runPrismaMigrateDeploy(target, { migrationsDir: dir, stdio: "pipe" })).resolves.toBeUndefined();
    // The way out the message offers for a harmless edit: record the new checksum.
    const update = /UPDATE _prisma_migrations SET checksum = '[0-9a-f]{64}' WHERE migration_name = '[^']+';/.exec((error as Error).message);
    expect(update).not.toBeNull();
    const database = await openDatabase(target); // the refused start left it closed: PGlite opens again
    await database.prisma.$executeRawUnsafe(update![0]);
    await database.close();
    const accepted = await migrate(target, dir);
    expect(accepted.deploy).not.toHaveBeenCalled();
    await accepted.database.close();
  });

  it("a failing migration stops the start, and so does the failed record it leaves", async () => {
    const dir = copyMigrations();
    const target = await newTarget(kind);
    await (await migrate(target, dir)).database.close();
    mkdirSync(path.join(dir, "29990101000000_broken"));
    writeFileSync(path.join(dir, "29990101000000_broken", "migration.sql"), "SELECT * FROM no_such_table;\n");

    const failed = await openMigratedDatabase(target, { migrationsDir: dir, ...quiet }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(MigrationFailedError);
    expect((failed as Error).message).toContain("29990101000000_broken");
    const again = await openMigratedDatabase(target, { migrationsDir: dir, ...quiet }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(MigrationFailedError);
    expect((again as Error).message).toContain("P3009");
    await (await openDatabase(target)).close();
  });

  it("migrateDatabase hands its connection to the next openDatabase of the same target", async () => {
    const dir = copyMigrations();
    const target = await newTarget(kind);
    await (await migrate(target, dir)).database.close();
    const deploy = countedDeploy();
    expect(await migrateDatabase(target, { migrationsDir: dir, deploy, ...quiet })).toEqual({ deployed: false, applied: [] });
    // For PGlite a second open in this process would be refused (folder lock): this is the same one.
    const database = await openDatabase(target);
    expect(await snapshotMigrations(database)).toEqual(await expectedMigrationSnapshot(dir));
    await database.close();
    expect(deploy).not.toHaveBeenCalled();
  });
});
