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

  const TOKEN = "a-metrics-token-of-at-least-32-chars";
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("METRICS=on with METRICS_TOKEN: the main port asks for the token (none or a wrong one: 401)", async () => {
    app = await startServerProcess({ PGLITE_DIR: data.dir, METRICS: "on", METRICS_TOKEN: TOKEN });
    for (const headers of [
      {},
      bearer(`${TOKEN}x`),
      bearer(TOKEN.slice(0, -1)),
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
    ]) {
      const refused = await fetch(`${app.url}/metrics`, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      const text = await refused.text();
      expect(text).not.toContain("ociauth_");
      expect(JSON.parse(text)).toMatchObject({ statusCode: 401, message: expect.stringContaining("METRICS_TOKEN") });
    }
    expect((await fetch(`${app.url}/metrics`, { headers: bearer(TOKEN) })).status).toBe(200);
  });

  it("METRICS=on: Prometheus text whose counters move with requests, token checks and logins", async () => {
    app = await startServerProcess({ PGLITE_DIR: data.dir, METRICS: "on", METRICS_TOKEN: TOKEN });
    const scrape = async () => {
      const response = await fetch(`${app!.url}/metrics`, { headers: bearer(TOKEN) });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      return response.text();
    };
    const post = (path: string, body: unknown) =>
      fetch(`${app!.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(
      (await post("/api/v1/admin/bootstrap", { email: "owner@example.com", password: "the-owner-password", organization: "Acme" })).status,
    ).toBe(200);
    const before = await scrape();
    const requests = 'ociauth_http_requests_total{method="GET",route="/api/v1/identities/:identityId",status="401"}';
    const missing = 'ociauth_token_checks_total{outcome="missing"}';
    const invalidCredentials = 'ociauth_logins_total{method="password",outcome="invalid_credentials"}';
    for (let i = 0; i < 3; i++) expect((await fetch(`${app.url}/api/v1/identities/id-${i}`)).status).toBe(401);
    // An unknown email and a known one with a wrong password: one outcome, so the scrape tells no accounts apart.
    expect((await post("/api/v1/auth/login", { email: "nobody@example.com", password: "not-the-password" })).status).toBe(401);
    expect((await post("/api/v1/auth/login", { email: "owner@example.com", password: "not-the-password" })).status).toBe(401);
    const after = await scrape();
    expect(sample(after, requests) - sample(before, requests)).toBe(3);
    expect(sample(after, missing) - sample(before, missing)).toBe(3);
    expect(sample(after, invalidCredentials) - sample(before, invalidCredentials)).toBe(2);
    const passwordOutcomes = [...after.matchAll(/^ociauth_logins_total\{method="password",outcome="([^"]+)"\}/gm)].map((m) => m[1]);
    expect(passwordOutcomes).toEqual(["invalid_credentials"]);
    expect(after).not.toMatch(/unknown_email|wrong_password/);
    expect(after).toContain('ociauth_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/identities/:identityId"}');
    expect(sample(after, "ociauth_change_feed_connected")).toBe(1);
    expect(after).toMatch(/^ociauth_audit_queue_events 0$/m); // every login's audit event is committed before it answers
    // Process and Node.js metrics under their standard names (no ociauth_ prefix); the feed's reconnects are a counter.
    expect(after).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(after).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
    expect(after).not.toMatch(/^ociauth_(process|nodejs)_/m);
    expect(after).toContain("# TYPE ociauth_change_feed_reconnects_total counter");
  });

  it("METRICS_PORT: served on that port only (open, for a private network), the main port answers 404", async () => {
    const metricsPort = await freePort();
    app = await startServerProcess({ PGLITE_DIR: data.dir, METRICS: "on", METRICS_PORT: String(metricsPort) });
    const mainPort = await fetch(`${app.url}/metrics`);
    expect(mainPort.status).toBe(404);
    expect(((await mainPort.json()) as { message: string }).message).toMatch(/METRICS_TOKEN.*METRICS_PORT/);
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("# TYPE ociauth_http_requests_total counter");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/v1/identities`)).status).toBe(404);
  });

  it("METRICS_PORT with METRICS_TOKEN: that port asks for the token too", async () => {
    const metricsPort = await freePort();
    app = await startServerProcess({ PGLITE_DIR: data.dir, METRICS: "on", METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN });
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: bearer(TOKEN) })).status).toBe(200);
    expect((await fetch(`${app.url}/metrics`, { headers: bearer(TOKEN) })).status).toBe(404);
  });
});
