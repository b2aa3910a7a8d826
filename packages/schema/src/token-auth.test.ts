import { describe, expect, it } from "vitest";
import { DEFAULT_TOKEN_TTL_SECONDS } from "./limits";
import { messages } from "./messages";
import {
  attachTokenAuthInputSchema,
  createTokenAuthTokenInputSchema,
  listTokenAuthTokensInputSchema,
  tokenAuthTokenListResponseSchema,
  updateTokenAuthInputSchema,
  updateTokenAuthTokenInputSchema,
} from "./token-auth";
import { fail, ok } from "./test-helpers";

const identityId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

describe("Token Auth schemas", () => {
  it("attach: Infisical's defaults for every omitted field", () => {
    expect(ok(attachTokenAuthInputSchema, { identityId })).toEqual({
      identityId,
      accessTokenTrustedIps: [{ ipAddress: "0.0.0.0/0" }, { ipAddress: "::/0" }],
      accessTokenTTL: DEFAULT_TOKEN_TTL_SECONDS,
      accessTokenMaxTTL: DEFAULT_TOKEN_TTL_SECONDS,
      accessTokenNumUsesLimit: 0,
    });
  });

  it("attach and update: TTL above max TTL, bad IPs and unknown keys are refused", () => {
    expect(fail(attachTokenAuthInputSchema, { identityId, accessTokenTTL: 10, accessTokenMaxTTL: 5 })).toEqual([
      { path: ["accessTokenTTL"], message: messages.ttlAboveMax },
    ]);
    expect(fail(updateTokenAuthInputSchema, { identityId, accessTokenTrustedIps: [{ ipAddress: "nope" }] })).toEqual([
      { path: ["accessTokenTrustedIps", 0, "ipAddress"], message: messages.trustedIpInvalid },
    ]);
    expect(fail(updateTokenAuthInputSchema, { identityId, tenancyOcid: "x" })[0]?.path).toEqual([]);
    expect(ok(updateTokenAuthInputSchema, { identityId, accessTokenTTL: 60 })).toEqual({ identityId, accessTokenTTL: 60 });
  });

  it("token names: trimmed, at most 255 characters, optional", () => {
    expect(ok(createTokenAuthTokenInputSchema, { identityId, name: "  ci  " })).toEqual({ identityId, name: "ci" });
    expect(ok(createTokenAuthTokenInputSchema, { identityId })).toEqual({ identityId });
    expect(fail(updateTokenAuthTokenInputSchema, { tokenId: identityId, name: "x".repeat(256) })).toEqual([
      { path: ["name"], message: "Token name must be at most 255 characters" },
    ]);
  });

  it("list: offset and limit from a query string, limit 1 to 100 (default 20); the answer carries the page fields", () => {
    expect(ok(listTokenAuthTokensInputSchema, { identityId })).toEqual({ identityId, offset: 0, limit: 20 });
    expect(ok(listTokenAuthTokensInputSchema, { identityId, offset: "5", limit: "100" })).toEqual({ identityId, offset: 5, limit: 100 });
    expect(fail(listTokenAuthTokensInputSchema, { identityId, limit: "101" })).toEqual([
      { path: ["limit"], message: "limit must be at most 100" },
    ]);
    expect(Object.keys(tokenAuthTokenListResponseSchema.shape)).toEqual(["tokens", "nextOffset", "truncated"]);
  });
});
