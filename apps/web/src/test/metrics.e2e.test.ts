import { freePort } from "@ociauth/db/testing";
import { afterEach, describe, expect, it } from "vitest";
import { stop, tempDataDir } from "./run-app";
import { startServerProcess } from "./server-process";

/** The value of one sample line (`name{labels} value`) in a Prometheus scrape, 0 when absent. */
function sample(scrape: string, series: string): number {
  const line = scrape.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("/metrics", () => {
  let data = tempDataDir();
  let app: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  afterEach(async () => {
    if (app) await stop(app.child);
    app = undefined;
    data.remove();
    data = tempDataDir();
  });

  it("is off by default: 404", async () => {
    app = await startServerProcess({ PGLITE_DIR: data.dir });
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
  });

  it("METRICS=on: Prometheus text whose counters move with requests, token checks and logins", async () => {
    app = await startServerProcess({ PGLITE_DIR: data.dir, METRICS: "on" });
    const scrape = async () => {
      const response = await fetch(`${app!.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      return response.text();
    };
    const before = await scrape();
    const requests = 'ociauth_http_requests_total{method="GET",route="/api/v1/identities/:identityId",status="401"}';
    const missing = 'ociauth_token_checks_total{outcome="missing"}';
    const unknownEmail = 'ociauth_logins_total{method="password",outcome="unknown_email"}';
    for (let i = 0; i < 3; i++) expect((await fetch(`${app.url}/api/v1/identities/id-${i}`)).status).toBe(401);
    const login = await fetch(`${app.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "nobody@example.com", password: "not-the-password" }),
    });
    expect(login.status).toBe(401);
    const after = await scrape();
    expect(sample(after, requests) - sample(before, requests)).toBe(3);
    expect(sample(after, missing) - sample(before, missing)).toBe(3);
    expect(sample(after, unknownEmail) - sample(before, unknownEmail)).toBe(1);
    expect(after).toContain('ociauth_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/identities/:identityId"}');
    expect(sample(after, "ociauth_change_feed_connected")).toBe(1);
    expect(after).toMatch(/^ociauth_audit_queue_events 0$/m); // every login's audit event is committed before it answers
    expect(after).toContain("ociauth_process_resident_memory_bytes");
  });

  it("METRICS_PORT: served on that port only, the main port answers 404", async () => {
    const metricsPort = await freePort();
    app = await startServerProcess({ PGLITE_DIR: data.dir, METRICS: "on", METRICS_PORT: String(metricsPort) });
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("# TYPE ociauth_http_requests_total counter");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/v1/identities`)).status).toBe(404);
  });
});
