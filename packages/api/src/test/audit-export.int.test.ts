import http from "node:http";
import { seedAuditEvents } from "@ociauth/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../testing/test-server";
import { rawRequest } from "./raw-http";

/** The export streamed by the production server's front door, from the database to the socket. */
describe("audit export: streamed from the database, page by page", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let token: string;
  let orgId: string;
  const SEEDED = 450; // more than four of the export's database pages

  beforeAll(async () => {
    server = await startTestServer();
    const boot = await rawRequest(server.url, {
      method: "POST",
      path: "/api/v1/admin/bootstrap",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "export@example.com", password: "a-long-password!", organization: "Export" }),
    });
    token = boot.json().identity.credentials.token;
    orgId = boot.json().organization.id;
    await seedAuditEvents(server.database.execute, { orgId, count: SEEDED, texts: 15 });
  });
  afterAll(() => server.close());

  const exportPath = (format: string) => `/api/v1/audit-logs/export?format=${format}&actorId=seeded`;

  it("JSON lines: every event once, newest first, in a chunked download", async () => {
    const res = await rawRequest(server.url, { path: exportPath("jsonl"), headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="audit-log-\d{8}T\d{6}Z\.jsonl"$/);
    const events = res.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.metadata.n)).toEqual(Array.from({ length: SEEDED }, (_, i) => i + 1));
    expect(events[0].metadata.texts).toHaveLength(15);
  });

  it("CSV: the header once, then one row per event", async () => {
    const res = await rawRequest(server.url, { path: exportPath("csv"), headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const lines = res.text.split("\r\n");
    expect(lines[0]).toMatch(/^createdAt,eventType,/);
    expect(lines).toHaveLength(1 + SEEDED + 1);
  });

  it("a client that breaks off the download leaves the server answering", async () => {
    const aborted = await new Promise<number>((resolve, reject) => {
      const req = http.get(`${server.url}${exportPath("csv")}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.once("data", (chunk: Buffer) => {
          res.destroy();
          resolve(chunk.length);
        });
      });
      req.on("error", reject);
    });
    expect(aborted).toBeGreaterThan(0);
    const list = await rawRequest(server.url, { path: "/api/v1/audit-logs?limit=1", headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
  });

  it("errors come before the download starts: a JSON 422 for a bad format, 401 without a token", async () => {
    const bad = await rawRequest(server.url, {
      path: "/api/v1/audit-logs/export?format=xlsx",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bad.status).toBe(422);
    expect(bad.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect((await rawRequest(server.url, { path: exportPath("csv") })).status).toBe(401);
  });
});
