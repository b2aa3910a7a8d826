import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../core/config";
import type { AuditDeliveryEvent } from "./audit-device";
import { createHttpDevice, HttpAuditDevice, HttpDeviceStatusError } from "./http-device";

const SECRET = "s".repeat(32);
const base = { AUTH_SECRET: "x".repeat(32) };
const event: AuditDeliveryEvent = {
  id: "00000000-0000-4000-8000-000000000001",
  organizationId: null,
  eventType: "login-oci-auth",
  eventLabel: "OCI login",
  actor: { type: "identity", id: "i", name: "n" },
  metadata: {},
  ipAddress: null,
  userAgent: null,
  createdAt: "2026-12-08T10:00:00.000Z",
  sequence: 1,
};

describe("HTTP device configuration", () => {
  it("no AUDIT_HTTP_URL, no device", () => {
    expect(createHttpDevice(loadConfig(base))).toBeUndefined();
  });

  it("generic needs the HMAC secret, splunk the token", () => {
    expect(() => loadConfig({ ...base, AUDIT_HTTP_URL: "https://siem.example.com/h" })).toThrow(/AUDIT_HTTP_HMAC_SECRET/);
    expect(() => loadConfig({ ...base, AUDIT_HTTP_URL: "https://siem.example.com/h", AUDIT_HTTP_FORMAT: "splunk" })).toThrow(
      /AUDIT_HTTP_TOKEN/,
    );
    expect(() => loadConfig({ ...base, AUDIT_HTTP_URL: "ftp://siem.example.com/h", AUDIT_HTTP_HMAC_SECRET: SECRET })).toThrow(
      /AUDIT_HTTP_URL must be an http\(s\) URL/,
    );
    const device = createHttpDevice(
      loadConfig({ ...base, AUDIT_HTTP_URL: "https://siem.example.com/h", AUDIT_HTTP_HMAC_SECRET: SECRET, AUDIT_HTTP_REQUIRED: "true" }),
    );
    expect(device).toMatchObject({ name: "http", required: true });
  });
});

describe("HttpAuditDevice", () => {
  let server: Server;
  let url: string;
  let answer: number | "hang" = 204;
  const seen: { headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        seen.push({ headers: req.headers, body });
        if (answer !== "hang") res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const device = (timeoutMs = 2000) => new HttpAuditDevice({ url, format: "generic", hmacSecret: SECRET, timeoutMs, required: false });

  it("2xx records the batch", async () => {
    answer = 204;
    await device().deliver([event]);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ events: [event] });
    expect(seen.at(-1)!.headers["x-ociauth-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("any other status, or no answer in time, is a failure", async () => {
    answer = 500;
    await expect(device().deliver([event])).rejects.toBeInstanceOf(HttpDeviceStatusError);
    answer = 302;
    await expect(device().deliver([event])).rejects.toThrow();
    answer = "hang";
    await expect(device(200).deliver([event])).rejects.toThrow();
  });
});
