import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { envSchema } from "./config";
import {
  configurationRows,
  configurationTable,
  configurationTableIn,
  configurationVariableNames,
  TABLE_END,
  TABLE_START,
  withConfigurationTable,
} from "./config-docs";

const root = path.resolve(import.meta.dirname, "../../../..");
const readme = path.join(root, "README.md");

/** Every `env.NAME` / `process.env.NAME` read in the server's sources (packages/api, packages/db and packages/schema, tests and test tooling aside). */
function variablesReadInSources(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === "generated" ? [] : walk(path.join(dir, e.name))) : [path.join(dir, e.name)],
    );
  for (const dir of ["packages/api/src", "packages/db/src", "packages/schema/src"]) {
    for (const file of walk(path.join(root, dir)).filter((f) => /\.ts$/.test(f) && !/\.test\.ts$|\/test\/|\/testing\//.test(f))) {
      for (const m of readFileSync(file, "utf8").matchAll(/\benv\.([A-Z_][A-Z0-9_]*)\b(?!\s*=[^=])/g))
        found.set(m[1]!, path.relative(root, file));
    }
  }
  return found;
}

describe("README.md's configuration table", () => {
  it("is the table generated from the configuration schema (`pnpm --filter @ociauth/api docs:config` rewrites it)", () => {
    if (process.env.OCIAUTH_WRITE_DOCS === "1") writeFileSync(readme, withConfigurationTable(readFileSync(readme, "utf8")));
    const text = readFileSync(readme, "utf8");
    expect(
      configurationTableIn(text),
      "README.md's configuration table differs from the schema's: run `pnpm --filter @ociauth/api docs:config`",
    ).toBe(configurationTable());
  });

  it("has a row for every variable of the schema and every <SECRET>_FILE, each with a meaning and a default", () => {
    const rows = configurationRows();
    expect(rows.map((r) => r.name).sort()).toEqual([...Object.keys(envSchema.shape), "<SECRET>_FILE"].sort());
    for (const row of rows) {
      expect(row.meaning.length, row.name).toBeGreaterThan(10);
      expect(row.default, row.name).not.toBe("");
    }
    expect(rows.find((r) => r.name === "DATABASE_POOL_SIZE")!.default).toBe("`10`");
    expect(rows.find((r) => r.name === "PORT")!.default).toBe("`3000`");
    expect(rows.find((r) => r.name === "DATABASE_URL")!.default).toBe("unset");
  });

  it("the table differs when a row does (the check can fail)", () => {
    const changed = configurationTable().replace("| `DATABASE_POOL_SIZE` | `10` |", "| `DATABASE_POOL_SIZE` | `20` |");
    expect(changed).not.toBe(configurationTable());
    const text = `intro\n${TABLE_START}\nold\n${TABLE_END}\nafter\n`;
    expect(withConfigurationTable(text, "new\n")).toBe(`intro\n${TABLE_START}\n\nnew\n\n${TABLE_END}\nafter\n`);
    expect(configurationTableIn(withConfigurationTable(text, "new\n"))).toBe("new\n");
    expect(() => withConfigurationTable("no markers")).toThrow(/markers/);
  });
});

/** Variables a tool sets for the commands it runs, never configuration. */
const SET_BY_TOOLS = ["INIT_CWD"]; // pnpm: the folder `pnpm db:backup` was started in

describe("the configuration schema", () => {
  it("names every variable the server's code reads (packages/api and packages/db read none outside it)", () => {
    const known = new Set([...configurationVariableNames(), ...SET_BY_TOOLS]);
    const read = variablesReadInSources();
    expect(read.size).toBeGreaterThan(3);
    for (const [name, file] of read) expect(known.has(name), `${name} (read in ${file}) is not in envSchema`).toBe(true);
  });
});
