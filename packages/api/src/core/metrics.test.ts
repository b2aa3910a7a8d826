import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exportedMetricNames, startProcessMetrics } from "./metrics";

const dashboardFile = path.resolve(import.meta.dirname, "../../../../deploy/grafana/ociauth-dashboard.json");

describe("the Grafana dashboard", () => {
  it("queries only metric names the server exports", async () => {
    startProcessMetrics();
    const exported = new Set(await exportedMetricNames());
    const dashboard = JSON.parse(readFileSync(dashboardFile, "utf8")) as { panels: { targets: { expr: string }[] }[] };
    const queried = new Set(
      dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => target.expr.match(/\bociauth_\w+/g) ?? [])),
    );
    expect(queried.size).toBeGreaterThan(10);
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
  });
});
