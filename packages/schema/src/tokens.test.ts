import { describe, expect, it } from "vitest";
import { messages } from "./messages";
import { fail, ok, rawIssues } from "./test-helpers";
import { accessTokenBodySchema, accessTokenResponseSchema, ociLoginBodySchema, revokeTokenResponseSchema } from "./tokens";

const IDENTITY_ID = "3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f";
const USER_OCID = "ocid1.user.oc1..aaaaaaaaexampleuser";
const AUTHORIZATION =
  'Signature version="1",keyId="ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb",algorithm="rsa-sha256",headers="x-date (request-target) host",signature="c2ln"';
const HOST = "identity.us-ashburn-1.oraclecloud.com";
const DATE = "Tue, 01 Oct 2024 12:00:00 GMT";

const body = (headers: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  identityId: IDENTITY_ID,
  userOcid: USER_OCID,
  headers,
  ...extra,
});

describe("ociLoginBodySchema", () => {
  it("accepts x-date only", () => {
    expect(ok(ociLoginBodySchema, body({ authorization: AUTHORIZATION, host: HOST, "x-date": DATE }))).toEqual(
      body({ authorization: AUTHORIZATION, host: HOST, "x-date": DATE }),
    );
  });

  it("accepts date only", () => {
    expect(ok(ociLoginBodySchema, body({ authorization: AUTHORIZATION, host: HOST, date: DATE }))).toEqual(
      body({ authorization: AUTHORIZATION, host: HOST, date: DATE }),
    );
  });

  it("accepts both date headers", () => {
    const headers = { authorization: AUTHORIZATION, host: HOST, date: DATE, "x-date": DATE };
    expect(ok(ociLoginBodySchema, body(headers)).headers).toEqual(headers);
  });

  it("fails with the SPEC message when both date headers are missing (single issue at headers.date)", () => {
    expect(fail(ociLoginBodySchema, body({ authorization: AUTHORIZATION, host: HOST }))).toEqual([
      { path: ["headers", "date"], message: messages.dateRequired },
    ]);
    expect(messages.dateRequired).toBe("Either date or x-date must be provided");
  });

  it("explicit undefined date headers count as missing", () => {
    expect(fail(ociLoginBodySchema, body({ authorization: AUTHORIZATION, host: HOST, date: undefined, "x-date": undefined }))).toEqual([
      { path: ["headers", "date"], message: messages.dateRequired },
    ]);
  });

  it("an empty date header is a length issue, not 'missing'", () => {
    const issues = rawIssues(ociLoginBodySchema, body({ authorization: AUTHORIZATION, host: HOST, date: "  " }));
    expect(issues.map((i) => [i.code, i.path])).toEqual([["too_small", ["headers", "date"]]]);
  });

  it("strips unknown header names (including differently-cased duplicates) and keeps the forwarded ones", () => {
    const out = ok(
      ociLoginBodySchema,
      body({
        authorization: AUTHORIZATION,
        host: HOST,
        "x-date": DATE,
        "content-type": "application/json",
        "x-content-sha256": "abc",
        cookie: "session=1",
        Host: HOST,
      }),
    );
    expect(out.headers).toEqual({ authorization: AUTHORIZATION, host: HOST, "x-date": DATE });
    expect(Object.keys(out.headers).sort()).toEqual(["authorization", "host", "x-date"]);
  });

  it("header names are case-insensitive: capitalised names (as some SDKs send) are accepted", () => {
    const out = ok(ociLoginBodySchema, body({ Authorization: AUTHORIZATION, Host: HOST, Date: DATE }));
    expect(out.headers).toEqual({ authorization: AUTHORIZATION, host: HOST, date: DATE });
  });

  it("rejects two spellings of one header with different values", () => {
    const issues = rawIssues(ociLoginBodySchema, body({ authorization: AUTHORIZATION, Authorization: "other", host: HOST, date: DATE }));
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      [["headers", "authorization"], 'Header "authorization" is given twice with different values'],
    ]);
  });

  it("trims header values", () => {
    const out = ok(ociLoginBodySchema, body({ authorization: ` ${AUTHORIZATION} `, host: ` ${HOST}\n`, date: ` ${DATE} ` }));
    expect(out.headers).toEqual({ authorization: AUTHORIZATION, host: HOST, date: DATE });
  });

  it("requires non-empty authorization and host", () => {
    expect(rawIssues(ociLoginBodySchema, body({ host: HOST, date: DATE })).map((i) => [i.code, i.path])).toEqual([
      ["invalid_type", ["headers", "authorization"]],
    ]);
    expect(rawIssues(ociLoginBodySchema, body({ authorization: " ", host: "", date: DATE })).map((i) => [i.code, i.path])).toEqual([
      ["too_small", ["headers", "authorization"]],
      ["too_small", ["headers", "host"]],
    ]);
  });

  it("caps header value lengths (authorization 4096, host 255, date 64)", () => {
    const h = { authorization: AUTHORIZATION, host: HOST, date: DATE };
    expect(ok(ociLoginBodySchema, body({ ...h, authorization: "a".repeat(4096) })).headers.authorization).toHaveLength(4096);
    expect(ok(ociLoginBodySchema, body({ ...h, host: "h".repeat(255) })).headers.host).toHaveLength(255);
    expect(ok(ociLoginBodySchema, body({ ...h, date: "d".repeat(64) })).headers.date).toHaveLength(64);
    expect(rawIssues(ociLoginBodySchema, body({ ...h, authorization: "a".repeat(4097) }))[0]).toMatchObject({
      code: "too_big",
      path: ["headers", "authorization"],
    });
    expect(rawIssues(ociLoginBodySchema, body({ ...h, host: "h".repeat(256) }))[0]).toMatchObject({
      code: "too_big",
      path: ["headers", "host"],
    });
    expect(rawIssues(ociLoginBodySchema, body({ ...h, "x-date": "d".repeat(65) }))[0]).toMatchObject({
      code: "too_big",
      path: ["headers", "x-date"],
    });
  });

  it("does not validate the host format (that is a 400 business rule of the login service)", () => {
    expect(ok(ociLoginBodySchema, body({ authorization: AUTHORIZATION, host: "evil.example.com", date: DATE })).headers.host).toBe(
      "evil.example.com",
    );
  });

  it("rejects extra top-level keys", () => {
    expect(rawIssues(ociLoginBodySchema, body({ authorization: AUTHORIZATION, host: HOST, date: DATE }, { tenancyOcid: "x" }))).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["tenancyOcid"], path: [] }),
    ]);
  });

  it("accepts an optional organizationSlug", () => {
    const input = body({ authorization: AUTHORIZATION, host: HOST, date: DATE }, { organizationSlug: " acme " });
    expect(ok(ociLoginBodySchema, input).organizationSlug).toBe("acme");
  });

  it.each([
    "not-a-uuid",
    "",
    "3f2b8c1e5d4a4b7e9c2d1a2b3c4d5e6f",
    "3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6",
    "{3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f}",
  ])("rejects non-UUID identityId %j", (identityId) => {
    expect(fail(ociLoginBodySchema, { ...body({ authorization: AUTHORIZATION, host: HOST, date: DATE }), identityId })).toEqual([
      { path: ["identityId"], message: "identityId must be a UUID" },
    ]);
  });

  it("userOcid is required, trimmed and non-empty", () => {
    const headers = { authorization: AUTHORIZATION, host: HOST, date: DATE };
    expect(ok(ociLoginBodySchema, { ...body(headers), userOcid: `  ${USER_OCID}  ` }).userOcid).toBe(USER_OCID);
    expect(fail(ociLoginBodySchema, { ...body(headers), userOcid: "   " })).toEqual([
      { path: ["userOcid"], message: "userOcid cannot be empty" },
    ]);
    expect(rawIssues(ociLoginBodySchema, { identityId: IDENTITY_ID, headers })[0]).toMatchObject({
      code: "invalid_type",
      path: ["userOcid"],
    });
  });

  it("rejects missing or non-object headers", () => {
    for (const headers of [undefined, null, "Signature ...", []]) {
      expect(rawIssues(ociLoginBodySchema, { identityId: IDENTITY_ID, userOcid: USER_OCID, headers })[0]).toMatchObject({
        code: "invalid_type",
        path: ["headers"],
      });
    }
  });
});

describe("token bodies and responses", () => {
  it("accessTokenBodySchema trims, requires 1..8192 chars and is strict", () => {
    expect(ok(accessTokenBodySchema, { accessToken: " abc " })).toEqual({ accessToken: "abc" });
    expect(ok(accessTokenBodySchema, { accessToken: "t".repeat(8192) }).accessToken).toHaveLength(8192);
    expect(rawIssues(accessTokenBodySchema, { accessToken: "  " })[0]).toMatchObject({ code: "too_small", path: ["accessToken"] });
    expect(rawIssues(accessTokenBodySchema, { accessToken: "t".repeat(8193) })[0]).toMatchObject({
      code: "too_big",
      path: ["accessToken"],
    });
    expect(rawIssues(accessTokenBodySchema, { accessToken: "t", extra: 1 })[0]?.code).toBe("unrecognized_keys");
  });

  it("accessTokenResponseSchema requires tokenType Bearer and nothing else", () => {
    const response = { accessToken: "jwt", expiresIn: 3600, accessTokenMaxTTL: 7200, tokenType: "Bearer" };
    expect(ok(accessTokenResponseSchema, response)).toEqual(response);
    expect(rawIssues(accessTokenResponseSchema, { ...response, tokenType: "bearer" })[0]?.path).toEqual(["tokenType"]);
    expect(rawIssues(accessTokenResponseSchema, { ...response, refreshToken: "x" })[0]?.code).toBe("unrecognized_keys");
  });

  it("revokeTokenResponseSchema accepts the revoke message", () => {
    expect(ok(revokeTokenResponseSchema, { message: messages.tokenRevokedMessage })).toEqual({
      message: "Successfully revoked access token",
    });
  });
});

describe("ociLoginBodySchema leaves the header character rule to the login service", () => {
  it("accepts control and non-Latin-1 characters inside header values (the service refuses them with 400 and audits it)", () => {
    const headers = { authorization: `${AUTHORIZATION}\u0000x`, host: `${HOST}\r\nX: y`, date: `${DATE}\u0100` };
    expect(ok(ociLoginBodySchema, body(headers)).headers).toEqual(headers);
  });
});
