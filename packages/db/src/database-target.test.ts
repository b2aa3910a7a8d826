import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeTarget, findWorkspaceRoot, resolveDatabaseTarget } from "./database-target";

describe("resolveDatabaseTarget", () => {
  const root = findWorkspaceRoot();

  it("defaults to PGlite in <workspace>/.data/pglite", () => {
    expect(resolveDatabaseTarget({})).toEqual({ kind: "pglite", dataDir: path.join(root, ".data", "pglite") });
  });

  it("takes PGLITE_DIR relative to the workspace root, or absolute", () => {
    expect(resolveDatabaseTarget({ PGLITE_DIR: "var/db" })).toEqual({ kind: "pglite", dataDir: path.join(root, "var", "db") });
    expect(resolveDatabaseTarget({ PGLITE_DIR: "/tmp/x" })).toEqual({ kind: "pglite", dataDir: "/tmp/x" });
  });

  it("selects PostgreSQL for postgres:// and postgresql:// URLs", () => {
    expect(resolveDatabaseTarget({ DATABASE_URL: "postgres://u@h:5432/d" })).toEqual({ kind: "postgres", url: "postgres://u@h:5432/d" });
    expect(describeTarget({ kind: "postgres", url: "postgresql://u:secret@db.internal:6543/app" })).toBe(
      "PostgreSQL at db.internal:6543/app",
    );
  });

  it("refuses other URLs with a clear message", () => {
    expect(() => resolveDatabaseTarget({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must be a postgres:\/\//);
  });

  it("finds the workspace root from a nested folder", () => {
    expect(findWorkspaceRoot(path.join(root, "packages", "db", "src"))).toBe(root);
  });
});
