import { describe, expect, it } from "vitest";
import { auditEventListResponseSchema, auditEventSchema, auditEventTypes, listAuditEventsQuerySchema } from "./audit";
import { idSchema, isoDateSchema, nameSchema, orgRoleSchema, orgRoles } from "./common";
import { fail, ok, rawIssues } from "./test-helpers";

describe("common", () => {
  it("idSchema uses the label in its message and accepts any canonical hex id", () => {
    const schema = idSchema("thingId");
    expect(ok(schema, "00000000-0000-0000-0000-000000000000")).toBe("00000000-0000-0000-0000-000000000000");
    expect(ok(schema, "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")).toBe("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF");
    expect(fail(schema, "nope")).toEqual([{ path: [], message: "thingId must be a UUID" }]);
    expect(fail(schema, " 00000000-0000-0000-0000-000000000000")).toEqual([{ path: [], message: "thingId must be a UUID" }]);
  });

  it("orgRoleSchema lists the SPEC roles", () => {
    expect(orgRoles).toEqual(["admin", "member", "viewer", "no-access"]);
    expect(fail(orgRoleSchema, "owner")).toEqual([{ path: [], message: "Role must be one of admin, member, viewer, no-access" }]);
  });

  it("nameSchema trims and bounds 1..64 with labelled messages", () => {
    const schema = nameSchema("Thing");
    expect(ok(schema, "  x  ")).toBe("x");
    expect(fail(schema, " ")).toEqual([{ path: [], message: "Thing cannot be empty" }]);
    expect(fail(schema, "x".repeat(65))).toEqual([{ path: [], message: "Thing must be at most 64 characters" }]);
  });

  it("isoDateSchema requires an ISO-8601 datetime and allows offsets", () => {
    for (const d of ["2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00+02:00"]) expect(ok(isoDateSchema, d)).toBe(d);
    for (const d of ["2024-05-01", "2024-05-01T12:00:00", "yesterday", "2024-13-01T00:00:00Z"]) {
      expect(rawIssues(isoDateSchema, d)[0]?.code).toBe("invalid_format");
    }
  });
});

describe("audit", () => {
  it("includes every documented OCI auth event type", () => {
    for (const t of [
      "add-identity-oci-auth",
      "update-identity-oci-auth",
      "get-identity-oci-auth",
      "revoke-identity-oci-auth",
      "login-identity-oci-auth",
      "login-identity-oci-auth-failed",
    ]) {
      expect(auditEventTypes).toContain(t);
    }
  });

  it("list query: defaults, filters, coercion and strictness", () => {
    expect(ok(listAuditEventsQuerySchema, {})).toEqual({ limit: 50, offset: 0 });
    const q = {
      organizationId: "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8f",
      eventType: "login-identity-oci-auth-failed",
      actorId: " actor ",
      startDate: "2024-01-01T00:00:00Z",
      endDate: "2024-02-01T00:00:00Z",
      limit: "25",
      offset: "5",
    };
    expect(ok(listAuditEventsQuerySchema, q)).toEqual({ ...q, actorId: "actor", limit: 25, offset: 5 });
    expect(rawIssues(listAuditEventsQuerySchema, { eventType: "nope" })[0]?.path).toEqual(["eventType"]);
    expect(rawIssues(listAuditEventsQuerySchema, { startDate: "2024-01-01" })[0]?.path).toEqual(["startDate"]);
    expect(rawIssues(listAuditEventsQuerySchema, { limit: "101" })[0]?.path).toEqual(["limit"]);
    expect(rawIssues(listAuditEventsQuerySchema, { actor: "x" })[0]?.code).toBe("unrecognized_keys");
  });

  it("list query: actorId must be storable text (no NUL, no lone surrogate)", () => {
    expect(fail(listAuditEventsQuerySchema, { actorId: "\u0000" })).toEqual([
      { path: ["actorId"], message: "actorId must not contain NUL characters or unpaired surrogates" },
    ]);
    expect(fail(listAuditEventsQuerySchema, { actorId: "a\uDC00" })).toEqual([
      { path: ["actorId"], message: "actorId must not contain NUL characters or unpaired surrogates" },
    ]);
  });

  it("list query: dates outside years 0001..9999 are refused with a clear message", () => {
    expect(fail(listAuditEventsQuerySchema, { startDate: "0000-01-01T00:00:00Z" })).toEqual([
      {
        path: ["startDate"],
        message: "startDate must be a date between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (ISO 8601 with Z or an offset)",
      },
    ]);
    expect(fail(listAuditEventsQuerySchema, { endDate: "9999-12-31T23:00:00-02:00" })).toEqual([
      {
        path: ["endDate"],
        message: "endDate must be a date between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (ISO 8601 with Z or an offset)",
      },
    ]);
  });

  it("response dates stay plain ISO datetimes (a stored date is always real)", () => {
    expect(ok(isoDateSchema, "0000-01-01T00:00:00Z")).toBe("0000-01-01T00:00:00Z");
  });

  it("event and list response shapes", () => {
    const event = {
      id: "e1",
      organizationId: null,
      eventType: "login-identity-oci-auth-failed",
      actor: { type: "anonymous", id: null, name: null },
      metadata: { reason: "tenancy_not_allowed" },
      ipAddress: "1.2.3.4",
      userAgent: null,
      createdAt: "2024-01-01T00:00:00.000Z",
    };
    expect(ok(auditEventSchema, event)).toEqual(event);
    expect(ok(auditEventListResponseSchema, { events: [event], totalCount: 1, nextOffset: null, truncated: false })).toEqual({
      events: [event],
      totalCount: 1,
      nextOffset: null,
      truncated: false,
    });
    expect(rawIssues(auditEventSchema, { ...event, actor: { ...event.actor, type: "robot" } })[0]?.path).toEqual(["actor", "type"]);
    expect(rawIssues(auditEventSchema, { ...event, extra: 1 })[0]?.code).toBe("unrecognized_keys");
  });
});
