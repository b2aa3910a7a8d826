import { describe, expect, it } from "vitest";
import { MAX_AUTHENTICATE_CLIENT_BODY_BYTES } from "./limits";
import { ociChallengeInputSchema, ociPrincipalLoginBodySchema } from "./principal-login";
import { fail, ok } from "./test-helpers";

const ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const HEADERS = {
  Authorization: 'Signature version="1"',
  Host: "auth.us-ashburn-1.oraclecloud.com",
  "X-Date": "Thu, 03 Dec 2026 17:00:00 GMT",
};
const login = (headers: unknown, body: unknown = '{"requestHeaders":{}}') => ({ identityId: ID, authenticateClient: { headers, body } });

describe("ociChallengeInputSchema", () => {
  it("takes an identity id and nothing else", () => {
    expect(ok(ociChallengeInputSchema, { identityId: ID })).toEqual({ identityId: ID });
    expect(fail(ociChallengeInputSchema, { identityId: ID, extra: 1 })[0]?.message).toContain("extra");
    expect(fail(ociChallengeInputSchema, { identityId: "nope" })).toHaveLength(1);
  });
});

describe("ociPrincipalLoginBodySchema", () => {
  it("lower-cases header names and keeps the body exactly", () => {
    const body = ' {"requestHeaders": {"x": ["y"]}} ';
    expect(ok(ociPrincipalLoginBodySchema, login(HEADERS, body))).toEqual({
      identityId: ID,
      authenticateClient: {
        headers: { authorization: HEADERS.Authorization, host: HEADERS.Host, "x-date": HEADERS["X-Date"] },
        body,
      },
    });
  });

  it.each([
    [{ host: HEADERS.Host, date: "d" }, 'The "authorization" header of the signed authenticateClient request is required'],
    [{ authorization: "a", date: "d" }, 'The "host" header of the signed authenticateClient request is required'],
    [{ authorization: "a", host: "h" }, "Either date or x-date must be provided"],
    [{ ...HEADERS, authorization: "a" }, 'Header "authorization" is given twice'],
    [{ ...HEADERS, "bad name": "x" }, '"bad name" is not a header name'],
    [
      { ...HEADERS, "x-evil": "a\r\nb" },
      "Header values may not contain control characters (such as NUL, CR or LF) or characters above U+00FF",
    ],
    [{ ...HEADERS, "x-n": 5 }, "Each header value must be text"],
  ])("refuses headers %j", (headers, message) => {
    expect(fail(ociPrincipalLoginBodySchema, login(headers)).map((issue) => issue.message)).toContain(message);
  });

  it("caps the number of headers and the body size", () => {
    const many = { ...HEADERS, ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-h${i}`, "v"])) };
    expect(fail(ociPrincipalLoginBodySchema, login(many))[0]?.message).toBe("At most 20 headers may be given");
    const big = "x".repeat(MAX_AUTHENTICATE_CLIENT_BODY_BYTES + 1);
    expect(fail(ociPrincipalLoginBodySchema, login(HEADERS, big))[0]?.message).toBe(
      `authenticateClient.body must be at most ${MAX_AUTHENTICATE_CLIENT_BODY_BYTES} bytes`,
    );
    expect(fail(ociPrincipalLoginBodySchema, login(HEADERS, ""))[0]?.message).toBe("authenticateClient.body cannot be empty");
  });
});
