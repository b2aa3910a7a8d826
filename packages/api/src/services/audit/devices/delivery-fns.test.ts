import { describe, expect, it } from "vitest";
import { errorClass, errorMessage, type GapClock, planDelivery, retryDelayMs, toDeliveryEvent } from "./delivery-fns";

describe("retryDelayMs", () => {
  it("doubles from 250 ms and stops at the cap", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 3000))).toEqual([250, 500, 1000, 2000, 3000]);
    expect(retryDelayMs(200, 30_000)).toBe(30_000);
    expect(retryDelayMs(0, 30_000)).toBe(0);
  });
});

describe("planDelivery", () => {
  it("delivers the run that follows the cursor", () => {
    expect(planDelivery(10, [11, 12, 13], new Map(), 0, 3000)).toEqual({ count: 3, cursor: 13, waitingAtGap: false });
  });

  it("stops at a hole until it has been seen for the wait, then moves past it", () => {
    const gaps: GapClock = new Map();
    expect(planDelivery(10, [11, 13, 14], gaps, 1000, 3000)).toEqual({ count: 1, cursor: 11, waitingAtGap: true });
    expect(planDelivery(11, [13, 14], gaps, 3999, 3000)).toEqual({ count: 0, cursor: 11, waitingAtGap: true });
    expect(planDelivery(11, [13, 14], gaps, 4000, 3000)).toEqual({ count: 2, cursor: 14, waitingAtGap: false });
    expect(gaps.size).toBe(1);
    // Past the cursor, the clocks are forgotten.
    planDelivery(14, [], gaps, 5000, 3000);
    expect(gaps.size).toBe(0);
  });

  it("a hole that fills while waiting is delivered in order", () => {
    const gaps: GapClock = new Map();
    expect(planDelivery(0, [2, 3], gaps, 0, 3000).count).toBe(0);
    expect(planDelivery(0, [1, 2, 3], gaps, 100, 3000)).toEqual({ count: 3, cursor: 3, waitingAtGap: false });
  });

  it("several holes wait at the same time, not one after the other", () => {
    const gaps: GapClock = new Map();
    planDelivery(0, [2, 4, 6], gaps, 0, 3000);
    expect(planDelivery(0, [2, 4, 6], gaps, 3000, 3000)).toEqual({ count: 3, cursor: 6, waitingAtGap: false });
  });

  it("a wait of 0 never stops", () => {
    expect(planDelivery(0, [5, 9], new Map(), 0, 0)).toEqual({ count: 2, cursor: 9, waitingAtGap: false });
  });
});

describe("toDeliveryEvent", () => {
  it("is the export's JSON shape with the label and the sequence", () => {
    const event = toDeliveryEvent({
      seq: 7,
      id: "6c0ee2ab-3f43-4c7b-a0a1-9a0a3a0b7c11",
      orgId: null,
      eventType: "login-oci-auth",
      actorType: "identity",
      actorId: "i1",
      actorName: "ci",
      metadata: { a: 1 },
      ipAddress: "10.0.0.1",
      userAgent: null,
      createdAt: new Date("2026-12-08T10:00:00.000Z"),
    });
    expect(event).toMatchObject({
      sequence: 7,
      organizationId: null,
      actor: { type: "identity", id: "i1", name: "ci" },
      createdAt: "2026-12-08T10:00:00.000Z",
    });
    expect(typeof event.eventLabel).toBe("string");
    expect(event.eventLabel.length).toBeGreaterThan(0);
  });
});

describe("errorClass", () => {
  it("names the kind of error, never its message", () => {
    expect(errorClass(Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:443"), { code: "ECONNREFUSED" }))).toBe("ECONNREFUSED");
    expect(errorClass(new Error("secret host"))).toBe("DeliveryError");
    const named = new Error("HTTP 500 from https://siem.internal");
    named.name = "HttpStatusError";
    expect(errorClass(named)).toBe("HttpStatusError");
    expect(errorClass("x")).toBe("DeliveryError");
  });
});

describe("errorMessage", () => {
  it("adds the cause fetch hides", () => {
    expect(errorMessage(new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") }))).toBe(
      "fetch failed: connect ECONNREFUSED 127.0.0.1:9",
    );
    expect(errorMessage(new Error("HTTP 500"))).toBe("HTTP 500");
  });
});
