import { describe, expect, it } from "vitest";
import {
  addOrgUserInputSchema,
  bootstrapBodySchema,
  bootstrapResponseSchema,
  emailSchema,
  orgUserResponseSchema,
  passwordSchema,
  sessionResponseSchema,
  userLoginBodySchema,
} from "./accounts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./limits";
import { bodyOf, fail, ok, rawIssues } from "./test-helpers";

const ORG_ID = "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8f";
const PASSWORD = "correct-horse-battery";
/** What REST validates from the body: the organization id comes from the path. */
const addOrgUserBodySchema = bodyOf(addOrgUserInputSchema, { organizationId: ORG_ID });
const valid = { email: "admin@example.com", password: PASSWORD, organization: "Acme" };

describe("emailSchema", () => {
  it("trims and lower-cases", () => {
    expect(ok(emailSchema, "  Admin@Example.COM \n")).toBe("admin@example.com");
    expect(ok(emailSchema, "first.last+tag@sub.example.co")).toBe("first.last+tag@sub.example.co");
  });

  it.each(["", "   ", "nope", "a@", "@b.com", "a@b", "a b@c.com", "ü@x.com", "a@@b.com"])("rejects %j", (email) => {
    expect(fail(emailSchema, email)).toEqual([{ path: [], message: "Enter a valid email address" }]);
  });

  it("caps length at 254 (after trimming)", () => {
    const at254 = "a".repeat(64) + "@" + "b".repeat(185) + ".com";
    expect(at254).toHaveLength(254);
    expect(ok(emailSchema, `  ${at254.toUpperCase()}  `)).toBe(at254);
    expect(rawIssues(emailSchema, "a" + at254).map((i) => i.code)).toEqual(["too_big"]);
  });
});

describe("passwordSchema", () => {
  it("boundaries 12 and 256 are accepted", () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(MAX_PASSWORD_LENGTH).toBe(256);
    expect(ok(passwordSchema, "p".repeat(12))).toBe("p".repeat(12));
    expect(ok(passwordSchema, "p".repeat(256))).toBe("p".repeat(256));
  });

  it("11 and 257 are rejected with exact messages", () => {
    expect(fail(passwordSchema, "p".repeat(11))).toEqual([{ path: [], message: "Password must be at least 12 characters" }]);
    expect(fail(passwordSchema, "p".repeat(257))).toEqual([{ path: [], message: "Password must be at most 256 characters" }]);
  });

  it("is not trimmed (whitespace counts and is preserved)", () => {
    expect(ok(passwordSchema, "  password1  ")).toBe("  password1  ");
    expect(fail(passwordSchema, " ".repeat(11))).toEqual([{ path: [], message: "Password must be at least 12 characters" }]);
  });
});

describe("bootstrapBodySchema", () => {
  it("normalises email and trims organization", () => {
    expect(ok(bootstrapBodySchema, { email: "  Admin@Example.COM ", password: PASSWORD, organization: "  Acme Inc  " })).toEqual({
      email: "admin@example.com",
      password: PASSWORD,
      organization: "Acme Inc",
    });
  });

  it("password min 12 / max 256 boundary", () => {
    expect(ok(bootstrapBodySchema, { ...valid, password: "x".repeat(12) }).password).toHaveLength(12);
    expect(ok(bootstrapBodySchema, { ...valid, password: "x".repeat(256) }).password).toHaveLength(256);
    expect(fail(bootstrapBodySchema, { ...valid, password: "x".repeat(11) })).toEqual([
      { path: ["password"], message: "Password must be at least 12 characters" },
    ]);
    expect(fail(bootstrapBodySchema, { ...valid, password: "x".repeat(257) })).toEqual([
      { path: ["password"], message: "Password must be at most 256 characters" },
    ]);
  });

  it("organization name 1..64", () => {
    expect(ok(bootstrapBodySchema, { ...valid, organization: "A" }).organization).toBe("A");
    expect(ok(bootstrapBodySchema, { ...valid, organization: "o".repeat(64) }).organization).toBe("o".repeat(64));
    expect(fail(bootstrapBodySchema, { ...valid, organization: "" })).toEqual([
      { path: ["organization"], message: "Organization name cannot be empty" },
    ]);
    expect(fail(bootstrapBodySchema, { ...valid, organization: "   " })).toEqual([
      { path: ["organization"], message: "Organization name cannot be empty" },
    ]);
    expect(fail(bootstrapBodySchema, { ...valid, organization: "o".repeat(65) })).toEqual([
      { path: ["organization"], message: "Organization name must be at most 64 characters" },
    ]);
  });

  it("reports every field issue at once", () => {
    expect(fail(bootstrapBodySchema, { email: "nope", password: "short", organization: " " })).toEqual([
      { path: ["email"], message: "Enter a valid email address" },
      { path: ["password"], message: "Password must be at least 12 characters" },
      { path: ["organization"], message: "Organization name cannot be empty" },
    ]);
  });

  it("requires all fields and rejects extra keys", () => {
    expect(rawIssues(bootstrapBodySchema, {}).map((i) => i.path)).toEqual([["email"], ["password"], ["organization"]]);
    expect(rawIssues(bootstrapBodySchema, { ...valid, role: "admin" })).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["role"] }),
    ]);
  });
});

describe("bootstrapResponseSchema", () => {
  const response = {
    user: { id: "u1", email: "admin@example.com" },
    organization: { id: ORG_ID, name: "Acme", slug: "acme" },
    identity: { id: "i1", name: "admin", credentials: { token: "jwt" } },
  };

  it("accepts the SPEC shape and rejects extras at any level", () => {
    expect(ok(bootstrapResponseSchema, response)).toEqual(response);
    expect(rawIssues(bootstrapResponseSchema, { ...response, extra: 1 })[0]?.code).toBe("unrecognized_keys");
    expect(rawIssues(bootstrapResponseSchema, { ...response, user: { ...response.user, passwordHash: "x" } })[0]).toMatchObject({
      code: "unrecognized_keys",
      path: ["user"],
    });
    expect(rawIssues(bootstrapResponseSchema, { ...response, identity: { ...response.identity, credentials: {} } })[0]?.path).toEqual([
      "identity",
      "credentials",
      "token",
    ]);
  });
});

describe("userLoginBodySchema", () => {
  it("normalises email and does not apply the creation minimum to login", () => {
    expect(ok(userLoginBodySchema, { email: " A@B.CO ", password: "x" })).toEqual({ email: "a@b.co", password: "x" });
  });

  it("empty password and over-long password fail", () => {
    expect(fail(userLoginBodySchema, { email: "a@b.co", password: "" })).toEqual([
      { path: ["password"], message: "Password cannot be empty" },
    ]);
    expect(rawIssues(userLoginBodySchema, { email: "a@b.co", password: "x".repeat(257) })[0]).toMatchObject({
      code: "too_big",
      path: ["password"],
    });
    expect(ok(userLoginBodySchema, { email: "a@b.co", password: "x".repeat(256) }).password).toHaveLength(256);
  });

  it("is strict", () => {
    expect(rawIssues(userLoginBodySchema, { email: "a@b.co", password: "x", remember: true })[0]?.code).toBe("unrecognized_keys");
  });
});

describe("addOrgUser schemas", () => {
  it("accepts a valid body and tRPC input", () => {
    const body = { email: "New@Example.com", password: PASSWORD, role: "viewer" };
    expect(ok(addOrgUserBodySchema, body)).toEqual({ ...body, email: "new@example.com" });
    expect(ok(addOrgUserInputSchema, { ...body, organizationId: ORG_ID })).toEqual({
      ...body,
      email: "new@example.com",
      organizationId: ORG_ID,
    });
  });

  it("validates role, password and organizationId", () => {
    expect(fail(addOrgUserInputSchema, { email: "a@b", password: "short", role: "god", organizationId: "x" })).toEqual([
      { path: ["email"], message: "Enter a valid email address" },
      { path: ["password"], message: "Password must be at least 12 characters" },
      { path: ["role"], message: "Role must be one of admin, member, viewer, no-access" },
      { path: ["organizationId"], message: "organizationId must be a UUID" },
    ]);
  });

  it("is strict", () => {
    expect(
      rawIssues(addOrgUserInputSchema, { email: "a@b.co", password: PASSWORD, role: "admin", organizationId: ORG_ID, x: 1 })[0]?.code,
    ).toBe("unrecognized_keys");
  });
});

describe("session / org user responses", () => {
  it("accept valid shapes", () => {
    const session = { token: "t", expiresAt: "2024-01-01T00:00:00Z", user: { id: "u", email: "a@b.co" } };
    expect(ok(sessionResponseSchema, session)).toEqual(session);
    const orgUser = { user: { id: "u", email: "a@b.co", role: "admin" } };
    expect(ok(orgUserResponseSchema, orgUser)).toEqual(orgUser);
    expect(rawIssues(orgUserResponseSchema, { user: { ...orgUser.user, role: "owner" } })[0]?.path).toEqual(["user", "role"]);
  });
});
