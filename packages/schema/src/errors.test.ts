import { describe, expect, it } from "vitest";
import { errorEnvelopeSchema, errorNames, REQ_ID_PATTERN } from "./errors";
import { ok, rawIssues } from "./test-helpers";

const envelope = { reqId: "req-AbCdEf0123456z", statusCode: 400, message: "Bad", error: "BadRequest" };

describe("errorEnvelopeSchema", () => {
  it("accepts a string message and a zod-issue array message", () => {
    expect(ok(errorEnvelopeSchema, envelope)).toEqual(envelope);
    const validation = {
      ...envelope,
      statusCode: 422,
      error: "ValidationFailure",
      message: [{ code: "custom", path: ["x"], message: "m" }],
    };
    expect(ok(errorEnvelopeSchema, validation)).toEqual(validation);
  });

  it("accepts details (403)", () => {
    const denied = { ...envelope, statusCode: 403, error: "PermissionDenied", details: [{ action: "delete" }] };
    expect(ok(errorEnvelopeSchema, denied)).toEqual(denied);
  });

  it.each(["req-abcdefghijklmn", "req-00000000000000", "req-ABCDEFGHIJKLMN", "req-a1B2c3D4e5F6g7"])("reqId %s is accepted", (reqId) => {
    expect(REQ_ID_PATTERN.test(reqId)).toBe(true);
    expect(ok(errorEnvelopeSchema, { ...envelope, reqId }).reqId).toBe(reqId);
  });

  it.each([
    ["13 chars", "req-abcdefghijklm"],
    ["15 chars", "req-abcdefghijklmno"],
    ["no prefix", "abcdefghijklmn"],
    ["upper-case prefix", "REQ-abcdefghijklmn"],
    ["underscore separator", "req_abcdefghijklmn"],
    ["hyphen inside", "req-abcdefg-ijklmn"],
    ["underscore inside", "req-abcdefg_ijklmn"],
    ["non-ASCII", "req-abcdefghijklmé"],
    ["trailing newline", "req-abcdefghijklmn\n"],
    ["leading space", " req-abcdefghijklmn"],
    ["empty", ""],
  ])("reqId rejected: %s", (_label, reqId) => {
    expect(REQ_ID_PATTERN.test(reqId)).toBe(false);
    expect(rawIssues(errorEnvelopeSchema, { ...envelope, reqId })[0]?.path).toEqual(["reqId"]);
  });

  it("lists every documented error name, plus 405, 413, 502 and 503", () => {
    const spec = [
      "ValidationFailure",
      "BadRequest",
      "UnauthorizedError",
      "PermissionDenied",
      "PermissionBoundaryError",
      "TokenError",
      "ForbiddenError",
      "NotFound",
      "RateLimitExceeded",
      "InternalServerError",
    ];
    for (const name of spec) expect(errorNames).toContain(name);
    for (const name of errorNames)
      expect([...spec, "MethodNotAllowed", "PayloadTooLarge", "BadGateway", "ServiceUnavailable"]).toContain(name);
  });

  it("rejects unknown error names, non-integer status, other message types and extra keys", () => {
    expect(rawIssues(errorEnvelopeSchema, { ...envelope, error: "Conflict" })[0]?.path).toEqual(["error"]);
    expect(rawIssues(errorEnvelopeSchema, { ...envelope, statusCode: 400.5 })[0]?.path).toEqual(["statusCode"]);
    expect(rawIssues(errorEnvelopeSchema, { ...envelope, statusCode: "400" })[0]?.path).toEqual(["statusCode"]);
    expect(rawIssues(errorEnvelopeSchema, { ...envelope, message: { text: "x" } })[0]?.path).toEqual(["message"]);
    expect(rawIssues(errorEnvelopeSchema, { ...envelope, stack: "at x" })[0]?.code).toBe("unrecognized_keys");
    const { reqId: _reqId, ...noReqId } = envelope;
    expect(rawIssues(errorEnvelopeSchema, noReqId)[0]?.path).toEqual(["reqId"]);
  });
});
