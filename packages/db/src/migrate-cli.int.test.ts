import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./client";
import { expectedMigrationSnapshot, snapshotMigrations, startPostgresServer } from "./testing";

const packageDir = path.resolve(import.meta.dirname, "..");

/** Prisma's warning about the schema's `url`, which prisma.config.ts drops (see there, 11). */
const URL_WARNING = "will NOT be used";

function prisma(args: string[], env: Record<string, string>, config = "prisma.config.ts") {
  const started = Date.now();
  const result = spawnSync("pnpm", ["exec", "prisma", ...args, "--config", config], {
    cwd: packageDir,
    env: { ...process.env, DATABASE_URL: "", DATABASE_URL_FILE: "", PGLITE_DIR: "", ...env },
    encoding: "utf8",
    timeout: 90_000,
  });
  return { ...result, output: `${result.stdout}${result.stderr}`, seconds: (Date.now() - started) / 1000 };
}

// The real `prisma migrate deploy` (JS schema engine through our adapters) on both databases:
// what `pnpm start` runs when migrations are pending (see migrations.ts).
describe("prisma migrate deploy through the CLI", () => {
  it("migrates a new PGlite folder completely, exits promptly, and is idempotent", async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "ociauth-mig-")), "nested", "pglite");
    try {
      const before = prisma(["migrate", "status"], { PGLITE_DIR: dir });
      expect(before.status, before.output).toBe(1);
      expect(before.output).toContain("have not yet been applied");
      const first = prisma(["migrate", "deploy"], { PGLITE_DIR: dir });
      expect(first.status, first.output).toBe(0);
      expect(first.output).toContain("All migrations have been successfully applied");
      expect(first.output).not.toContain(URL_WARNING);
      expect(first.seconds).toBeLessThan(45);
      const status = prisma(["migrate", "status"], { PGLITE_DIR: dir });
      expect(status.status, status.output).toBe(0);
      expect(status.output).toContain("Database schema is up to date");
      expect(status.output).not.toContain(URL_WARNING);
      const again = prisma(["migrate", "deploy"], { PGLITE_DIR: dir });
      expect(again.output).toContain("No pending migrations to apply");

      const db = await openDatabase({ kind: "pglite", dataDir: dir });
      expect(await snapshotMigrations(db)).toEqual(await expectedMigrationSnapshot());
      expect(await db.prisma.identity.count()).toBe(0);
      await db.close();
    } finally {
      rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true });
    }
  });

  it("migrates a PostgreSQL database completely", async () => {
    const server = await startPostgresServer();
    try {
      const url = await server.createDatabase("cli_migrate");
      const before = prisma(["migrate", "status"], { DATABASE_URL: url });
      expect(before.status, before.output).toBe(1);
      expect(before.output).toContain("have not yet been applied");
      const first = prisma(["migrate", "deploy"], { DATABASE_URL: url });
      expect(first.status, first.output).toBe(0);
      expect(first.output).toContain("All migrations have been successfully applied");
      expect(first.output).not.toContain(URL_WARNING);
      const status = prisma(["migrate", "status"], { DATABASE_URL: url });
      expect(status.status, status.output).toBe(0);
      expect(status.output).toContain("Database schema is up to date");
      // DATABASE_URL_FILE (a mounted secret, as in the migration Job) stands for DATABASE_URL.
      const urlFile = path.join(mkdtempSync(path.join(os.tmpdir(), "ociauth-url-")), "database-url");
      try {
        writeFileSync(urlFile, `${url}\n`);
        const fromFile = prisma(["migrate", "status"], { DATABASE_URL_FILE: urlFile });
        expect(fromFile.status, fromFile.output).toBe(0);
        expect(fromFile.output).toContain("Database schema is up to date");
        const both = prisma(["migrate", "status"], { DATABASE_URL: url, DATABASE_URL_FILE: urlFile });
        expect(both.status).not.toBe(0);
        expect(both.output).toContain("DATABASE_URL and DATABASE_URL_FILE are both set: set one of them");
      } finally {
        rmSync(path.dirname(urlFile), { recursive: true, force: true });
      }
      const db = await openDatabase({ kind: "postgres", url });
      expect(await snapshotMigrations(db)).toEqual(await expectedMigrationSnapshot());
      expect(await db.prisma.organization.count()).toBe(0);
      // The change-notification triggers (a plpgsql function body with ";" inside) are all there.
      const triggers = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_trigger WHERE tgname LIKE '%notify%'`,
      );
      // identities (update, delete), OCI auth, Token Auth, tokens (update, delete), signing keys, their wraps, organizations.
      expect(triggers).toEqual([{ n: 9 }]);
      await db.close();
    } finally {
      await server.stop();
    }
  });

  it("fails, instead of ending with status 0 having applied nothing, when the schema cannot be read", () => {
    // Prisma 6 refuses a PostgreSQL datasource without `url`: the CLI then falls back to
    // downloading a Rust engine and, offline, used to end quietly with status 0.
    const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-nourl-"));
    const config = path.join(packageDir, ".tmp", `no-url-${process.pid}.config.ts`);
    try {
      const schema = readFileSync(path.join(packageDir, "../../prisma/schema.prisma"), "utf8");
      const withoutUrl = schema.replace(/^\s*url\s*=.*$/m, "");
      expect(withoutUrl).not.toBe(schema);
      writeFileSync(path.join(dir, "schema.prisma"), withoutUrl);
      mkdirSync(path.dirname(config), { recursive: true });
      writeFileSync(
        config,
        `import config from "../prisma.config";\nexport default { ...config, schema: ${JSON.stringify(path.join(dir, "schema.prisma"))} };\n`,
      );
      const result = prisma(["migrate", "deploy"], { PGLITE_DIR: path.join(dir, "data") }, config);
      expect(result.status, result.output).not.toBe(0);
      expect(result.output).toContain("ended without connecting to the database: nothing was done");
      expect(result.output).not.toContain("have been applied");
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(config, { force: true });
      try {
        rmdirSync(path.dirname(config)); // when empty
      } catch {
        // another test's config is still there
      }
    }
  });

  it("has migrations that match schema.prisma (drift check through the shadow database)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ociauth-drift-"));
    try {
      const env = { PGLITE_DIR: path.join(dir, "db") };
      const args = (schema: string) => [
        "migrate",
        "diff",
        "--from-migrations",
        "../../prisma/migrations",
        "--to-schema-datamodel",
        schema,
        "--exit-code",
      ];
      const clean = prisma(args("../../prisma/schema.prisma"), env);
      expect(clean.status, clean.output).toBe(0);
      expect(clean.output).toContain("No difference detected");
      // The check can fail: a model missing from the migrations is reported (exit code 2).
      const changed = path.join(dir, "schema.prisma");
      writeFileSync(
        changed,
        `${readFileSync(path.join(packageDir, "../../prisma/schema.prisma"), "utf8")}\nmodel DriftProbe {\n  id Int @id\n}\n`,
      );
      const drift = prisma(args(changed), env);
      expect(drift.status, drift.output).toBe(2);
      expect(drift.output).toContain("DriftProbe");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
