import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AuditDeliveryEvent } from "./audit-device";
import { batchBody, buildBatchRequest, idempotencyKey, signBatch, SPLUNK_SOURCETYPE } from "./http-device-fns";

const event = (sequence: number, id = `00000000-0000-4000-8000-00000000000${sequence}`): AuditDeliveryEvent => ({
  id,
  organizationId: null,
  eventType: "login-oci-auth",
  eventLabel: "OCI login",
  actor: { type: "identity", id: "i", name: "n" },
  metadata: {},
  ipAddress: null,
  userAgent: null,
  createdAt: "2026-12-08T10:00:01.500Z",
  sequence,
});

describe("signBatch", () => {
  it("is sha256= and the hex HMAC of `<timestamp>.<body>`", () => {
    const expected = createHmac("sha256", "k".repeat(32)).update('1765188000.{"events":[]}').digest("hex");
    expect(signBatch("k".repeat(32), "1765188000", '{"events":[]}')).toBe(`sha256=${expected}`);
    expect(signBatch("k".repeat(32), "1765188001", '{"events":[]}')).not.toBe(`sha256=${expected}`);
  });
});

describe("batchBody", () => {
  it("generic: one JSON object with the events in order", () => {
    const { body } = batchBody("generic", [event(1), event(2)]);
    expect(JSON.parse(body).events.map((e: AuditDeliveryEvent) => e.sequence)).toEqual([1, 2]);
  });

  it("splunk: newline-separated HEC events with epoch seconds and the sourcetype", () => {
    const lines = batchBody("splunk", [event(1), event(2)])
      .body.split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ time: Date.parse("2026-12-08T10:00:01.500Z") / 1000, event: event(1), sourcetype: SPLUNK_SOURCETYPE });
  });
});

describe("buildBatchRequest", () => {
  it("signs the exact body with the timestamp it sends, and keys the batch by its events", () => {
    const now = new Date("2026-12-08T10:00:00Z");
    const request = buildBatchRequest({ format: "generic", hmacSecret: "s".repeat(32) }, [event(1)], now);
    expect(request.headers["x-ociauth-timestamp"]).toBe(String(now.getTime() / 1000));
    expect(request.headers["x-ociauth-signature"]).toBe(signBatch("s".repeat(32), request.headers["x-ociauth-timestamp"]!, request.body));
    expect(request.headers["idempotency-key"]).toBe(idempotencyKey([event(1)]));
    expect(request.headers.authorization).toBeUndefined();
  });

  it("splunk sends the HEC token", () => {
    const request = buildBatchRequest({ format: "splunk", token: "tok" }, [event(1)], new Date());
    expect(request.headers.authorization).toBe("Splunk tok");
    expect(request.headers["x-ociauth-signature"]).toBeUndefined();
  });

  it("the idempotency key is the same for the same batch and differs for another", () => {
    expect(idempotencyKey([event(1), event(2)])).toBe(idempotencyKey([event(1), event(2)]));
    expect(idempotencyKey([event(1), event(2)])).not.toBe(idempotencyKey([event(1)]));
  });
});
