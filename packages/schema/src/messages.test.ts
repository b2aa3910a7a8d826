import { describe, expect, it } from "vitest";
import * as limits from "./limits";
import { messages } from "./messages";

/** The SPEC quotes these strings verbatim; clients match on them, so they must not drift. */
describe("messages match SPEC wording", () => {
  it.each([
    ["tenancyEmpty", "Tenancy OCID cannot be empty."],
    ["tenancyFormat", "Invalid Tenancy OCID format. Must start with ocid1.tenancy.oc1."],
    ["usernamesTooLong", "Input exceeds the maximum limit of 500 characters"],
    ["usernamesInvalid", "One or more usernames are invalid"],
    ["trustedIpInvalid", "The IP is not a valid IPv4, IPv6, or CIDR block"],
    ["ttlAboveMax", "Access Token TTL cannot be greater than Access Token Max TTL."],
    ["dateRequired", "Either date or x-date must be provided"],
    ["ociAuthAlreadyAttached", "Failed to add OCI Auth to already configured identity"],
    ["ociAuthNotAttached", "The identity does not have OCI Auth attached"],
    ["ociAuthNotFoundForLogin", "OCI auth method not found for identity, did you configure OCI auth?"],
    ["invalidOciHost", "Invalid OCI host format. Expected format: identity.<region>.oraclecloud.com"],
    ["tenancyNotAllowed", "Access denied: OCI account isn't part of tenancy."],
    ["usernameNotAllowed", "Access denied: OCI account username not allowed."],
    ["ipNotAllowed", "You are not allowed to access this resource from the current IP address"],
    ["tokenAuthAlreadyAttached", "Failed to add Token Auth to already configured identity"],
    ["tokenAuthNotAttached", "The identity does not have Token Auth"],
    ["tokenAuthConfigNotFound", "Token Auth configuration not found for identity"],
    ["tokenMissing", "Token missing"],
    ["tokenRevokedMessage", "Successfully revoked access token"],
    ["alreadyBootstrapped", "Instance has already been set up"],
  ] as const)("%s", (key, text) => {
    expect(messages[key]).toBe(text);
  });

  it("templated messages", () => {
    expect(messages.identityNotFound("abc")).toBe("Failed to find identity with ID abc");
    expect(messages.organizationNotFound("o")).toBe("Failed to find organization with ID o");
  });
});

describe("refusals say what to do, after Infisical's wording", () => {
  it("the trusted-IP refusal names the address the server saw and TRUSTED_PROXIES", () => {
    expect(messages.ipNotAllowedFrom("203.0.113.7")).toMatch(
      /^You are not allowed to access this resource from the current IP address \(the server saw 203\.0\.113\.7\)\. .*trusted IPs.*TRUSTED_PROXIES/,
    );
  });
  it("the username refusal names the username", () => {
    expect(messages.usernameNotAllowedFor("carol")).toMatch(
      /^Access denied: OCI account username not allowed\. "carol" .*allowedUsernames/,
    );
  });
  it("attaching twice points to update", () => {
    expect(messages.ociAuthAlreadyAttachedUseUpdate("abc")).toMatch(
      /^Failed to add OCI Auth to already configured identity\. .*PATCH \/api\/v1\/auth\/oci-auth\/identities\/abc/,
    );
  });
});

describe("limits match the documented contract", () => {
  it("values", () => {
    expect(limits.MAX_TOKEN_TTL_SECONDS).toBe(315_360_000);
    expect(limits.DEFAULT_TOKEN_TTL_SECONDS).toBe(2_592_000);
    expect(limits.MAX_ALLOWED_USERNAMES_LENGTH).toBe(500);
    expect(limits.DEFAULT_TRUSTED_IPS).toEqual([{ ipAddress: "0.0.0.0/0" }, { ipAddress: "::/0" }]);
    expect(limits.MAX_NAME_LENGTH).toBe(64);
  });
});
