import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "./dockerfile";

/**
 * deploy/prometheus/alerts.yml, checked and unit-tested by Prometheus's own promtool (Debian's
 * `prometheus` package: `node apps/web/scripts/ensure-promtool.mjs`, which `pnpm test` runs first).
 */
const dir = path.join(repoRoot, "deploy", "prometheus");
const promtool = process.env.PROMTOOL_BIN || "promtool";
const run = (...args: string[]) => spawnSync(promtool, args, { cwd: dir, encoding: "utf8" });

interface RuleFile {
  groups: {
    rules: { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
  }[];
}
interface RuleTests {
  tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const rules = (parseYaml(readFileSync(path.join(dir, "alerts.yml"), "utf8")) as RuleFile).groups.flatMap((group) => group.rules);

describe("Prometheus alert rules", () => {
  it("promtool accepts the rule file", () => {
    const result = run("check", "rules", "alerts.yml");
    expect(result.error, `${promtool} not found: run node apps/web/scripts/ensure-promtool.mjs`).toBeUndefined();
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.status).toBe(0);
  });

  it("promtool test rules: every alert fires on its series and stays silent on near misses", () => {
    const result = run("test", "rules", "alerts.test.yml");
    expect(result.stdout + result.stderr).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("ships the alerts the issue asks for, each with a severity, a summary and a runbook, each tested firing and not firing", () => {
    const names = rules.map((rule) => rule.alert);
    for (const name of [
      "OciauthHigh5xxRatio",
      "OciauthLoginFailureSurge",
      "OciauthChangeFeedStale",
      "OciauthDatabaseUnavailable",
      "OciauthAuditDeviceFailing",
      "OciauthTokenIssuanceSpike",
    ]) {
      expect(names).toContain(name);
    }
    for (const rule of rules) {
      expect(["critical", "warning"]).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.runbook, rule.alert).toBeTruthy();
      expect(rule.for, rule.alert).toMatch(/^\d+m$/);
    }
    const checks = (parseYaml(readFileSync(path.join(dir, "alerts.test.yml"), "utf8")) as RuleTests).tests.flatMap(
      (test) => test.alert_rule_test,
    );
    for (const name of names) {
      const own = checks.filter((check) => check.alertname === name);
      expect(
        own.some((check) => check.exp_alerts.length > 0),
        `${name} fires in a test`,
      ).toBe(true);
      expect(
        own.some((check) => check.exp_alerts.length === 0),
        `${name} stays silent in a test`,
      ).toBe(true);
    }
  });

  it("counters only under rate() or increase(), gauges never", () => {
    const ranged = rules.flatMap((rule) => [...rule.expr.matchAll(/\b(rate|irate|increase)\(\s*(\w+)/g)].map((m) => m[2]!));
    expect(ranged.length).toBeGreaterThan(5);
    expect(ranged.filter((name) => !name.endsWith("_total"))).toEqual([]);
  });
});
