import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exportedMetricNames, exportedMetricTypes, registry, setMetricsSources, startProcessMetrics } from "./metrics";
// Metrics registered by the modules that own them (the Runtime imports both).
import "../services/audit/devices/device-metrics";
import "../services/audit/audit-retention";

const dashboardFile = path.resolve(import.meta.dirname, "../../../../deploy/grafana/ociauth-dashboard.json");

describe("the Grafana dashboard", () => {
  const expressions = () =>
    (JSON.parse(readFileSync(dashboardFile, "utf8")) as { panels: { targets: { expr: string }[] }[] }).panels.flatMap((panel) =>
      panel.targets.map((target) => target.expr),
    );

  it("queries only metric names the server exports", async () => {
    startProcessMetrics();
    const exported = new Set(await exportedMetricNames());
    const queried = new Set(expressions().flatMap((expr) => expr.match(/\b(ociauth|process|nodejs)_\w+/g) ?? []));
    expect(queried.size).toBeGreaterThan(10);
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
    expect(queried).toContain("process_cpu_seconds_total");
  });

  it("applies rate() and increase() to counters (and histogram buckets) only", async () => {
    startProcessMetrics();
    const types = await exportedMetricTypes();
    const typeOf = (name: string) => types.get(name) ?? types.get(name.replace(/_(bucket|sum|count)$/, ""));
    const ranged = expressions().flatMap((expr) => [...expr.matchAll(/\b(?:rate|irate|increase)\(\s*(\w+)/g)].map((m) => m[1]!));
    expect(ranged.length).toBeGreaterThan(5);
    expect(ranged.filter((name) => !["counter", "histogram"].includes(typeOf(name) ?? ""))).toEqual([]);
  });
});

describe("metric names follow the Prometheus and Node.js conventions", () => {
  it("counters end in _total, nothing else does; units in base units; process metrics under their standard names", async () => {
    startProcessMetrics();
    const types = await exportedMetricTypes();
    const names = [...types.keys()];
    const counters = names.filter((name) => types.get(name) === "counter");
    expect(counters.length).toBeGreaterThan(5);
    expect(counters.filter((name) => !name.endsWith("_total"))).toEqual([]);
    // prom-client's standard Node.js gauges keep the names the usual Node.js dashboards query, _total and all.
    const standardGaugesNamedTotal = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];
    expect(
      names.filter((name) => types.get(name) !== "counter" && name.endsWith("_total") && !standardGaugesNamedTotal.includes(name)),
    ).toEqual([]);
    expect(names.filter((name) => name.startsWith("ociauth_") && types.get(name) !== "counter" && name.endsWith("_total"))).toEqual([]);
    // Base units only: seconds and bytes, never milliseconds or kilobytes.
    expect(names.filter((name) => /_(milliseconds|ms|microseconds|kilobytes|megabytes|minutes|hours)(_|$)/.test(name))).toEqual([]);
    expect(types.get("ociauth_change_feed_reconnects_total")).toBe("counter");
    expect(names).not.toContain("ociauth_change_feed_reconnects");
    expect(types.get("ociauth_build_info")).toBe("gauge");
    for (const standard of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "process_start_time_seconds",
      "nodejs_eventloop_lag_seconds",
      "nodejs_heap_size_used_bytes",
      "nodejs_gc_duration_seconds",
    ]) {
      expect(names).toContain(standard);
    }
    expect(names.filter((name) => /^ociauth_(process|nodejs)_/.test(name))).toEqual([]);
    // Ours carry the service's prefix; the rest are prom-client's standard process and Node.js metrics.
    expect(names.filter((name) => !/^(ociauth|process|nodejs)_/.test(name))).toEqual([]);
  });

  it("ociauth_change_feed_reconnects_total counts the feed's attempts and never goes down", async () => {
    let reconnects = 0;
    setMetricsSources({ changeFeed: () => ({ connected: true, reconnects, lastNotificationAt: 0 }) });
    const value = async () => Number(/^ociauth_change_feed_reconnects_total (\S+)$/m.exec(await registry.metrics())![1]);
    const start = await value();
    reconnects = 3;
    expect(await value()).toBe(start + 3);
    reconnects = 5;
    expect(await value()).toBe(start + 5);
    reconnects = 0; // a new runtime's feed starts again at 0: the counter keeps its value
    expect(await value()).toBe(start + 5);
  });
});
