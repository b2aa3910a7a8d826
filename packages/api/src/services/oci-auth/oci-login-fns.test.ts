import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkSignedDate, ociRetryAfterSeconds, parseHttpDate, signatureReplayKey } from "./oci-login-fns";

const NOW = Date.parse("2026-11-27T18:10:26Z");
const httpDate = (offsetMs: number) => new Date(NOW + offsetMs).toUTCString();

describe("parseHttpDate", () => {
  it("reads the dates OCI signers write", () => {
    expect(parseHttpDate("Fri, 27 Nov 2026 18:10:26 GMT")).toBe(NOW);
    expect(parseHttpDate("Tue, 3 Jun 2008 11:05:30 GMT")).toBe(Date.parse("2008-06-03T11:05:30Z"));
  });

  it.each([
    "",
    "yesterday",
    "2026-11-27T18:10:26Z",
    "Fri, 27 Nov 2026 18:10:26 UTC",
    "Fri, 27 Nov 2026 18:10:26 +0000",
    "Sat, 27 Nov 2026 18:10:26 GMT", // wrong weekday
    "Mon, 31 Feb 2026 18:10:26 GMT", // no such day
    "Fri, 27 Nov 2026 24:10:26 GMT",
    "Fri, 27 Nov 2026 18:60:26 GMT",
    "Fri,  27 Nov 2026 18:10:26 GMT",
    "fri, 27 nov 2026 18:10:26 GMT",
    "Fri, 27 Nov 0000 18:10:26 GMT",
  ])("refuses %j", (value) => {
    expect(parseHttpDate(value)).toBeNull();
  });
});

describe("checkSignedDate", () => {
  it("accepts a signed x-date within 5 minutes either way and says when to forget the signature", () => {
    for (const offset of [0, -299_000, 299_000, -300_000, 300_000]) {
      const check = checkSignedDate(["x-date", "(request-target)", "host"], { "x-date": httpDate(offset) }, NOW);
      expect(check).toEqual({ ok: true, forgetAfter: new Date(NOW + offset + 360_000) });
    }
  });

  it("refuses a signed date more than 5 minutes away", () => {
    expect(checkSignedDate(["date"], { date: httpDate(-301_000) }, NOW)).toEqual({ ok: false, problem: "out_of_window", header: "date" });
    expect(checkSignedDate(["date"], { date: httpDate(301_000) }, NOW)).toEqual({ ok: false, problem: "out_of_window", header: "date" });
  });

  it("checks only signed date headers: an unsigned stale date is not its business", () => {
    expect(checkSignedDate(["x-date", "host"], { "x-date": httpDate(0), date: httpDate(-3600_000) }, NOW).ok).toBe(true);
  });

  it("checks every signed date header and keeps the latest for forgetting", () => {
    expect(checkSignedDate(["date", "x-date"], { "x-date": httpDate(0), date: httpDate(-3600_000) }, NOW)).toEqual({
      ok: false,
      problem: "out_of_window",
      header: "date",
    });
    expect(checkSignedDate(["date", "x-date"], { "x-date": httpDate(-10_000), date: httpDate(10_000) }, NOW)).toEqual({
      ok: true,
      forgetAfter: new Date(NOW + 10_000 + 360_000),
    });
  });

  it("refuses a signature that covers no date, and a signed date header that is absent", () => {
    expect(checkSignedDate(["(request-target)", "host"], { date: httpDate(0), "x-date": httpDate(0) }, NOW)).toEqual({
      ok: false,
      problem: "missing",
    });
    expect(checkSignedDate(["x-date", "(request-target)", "host"], { date: httpDate(0) }, NOW)).toEqual({ ok: false, problem: "missing" });
  });

  it("refuses an unparseable signed date", () => {
    expect(checkSignedDate(["x-date"], { "x-date": "now" }, NOW)).toEqual({ ok: false, problem: "unparseable", header: "x-date" });
  });
});

describe("signatureReplayKey", () => {
  it("is the hex SHA-256 of the signature bytes", () => {
    const bytes = Buffer.from("signature bytes");
    expect(signatureReplayKey(bytes)).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(signatureReplayKey(bytes)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("ociRetryAfterSeconds", () => {
  it.each([
    ["7", 7],
    ["0", 1],
    ["600", 600],
    [" 12 ", 12],
    [new Date(NOW + 30_000).toUTCString(), 30],
    [new Date(NOW - 30_000).toUTCString(), 1],
  ])("uses OCI's sane Retry-After %j → %i", (header, seconds) => {
    expect(ociRetryAfterSeconds(header, NOW)).toBe(seconds);
  });

  it.each([null, undefined, "", "601", "86400000", "99999999999", "-5", "1.5", "soon", new Date(NOW + 3600_000).toUTCString()])(
    "falls back to 5 seconds for %j",
    (header) => {
      expect(ociRetryAfterSeconds(header, NOW)).toBe(5);
    },
  );
});
