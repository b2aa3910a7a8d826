import { describe, expect, it } from "vitest";
import { fail, ok } from "./test-helpers";
import {
  createOrganizationBodySchema,
  MAX_SLUG_LENGTH,
  organizationSlugSchema,
  slugFromName,
  slugMessages,
  slugWithSuffix,
  updateOrganizationInputSchema,
} from "./organizations";

const ORG_ID = "6c1f0a52-8b3e-4d7a-9f21-0e4b5c6d7e8f";

describe("slugFromName", () => {
  it.each([
    ["Acme", "acme"],
    ["  Acme Corp. ", "acme-corp"],
    ["Café Zürich", "cafe-zurich"],
    ["Build & Deploy -- Team", "build-deploy-team"],
    ["***", "org"],
    ["日本", "org"],
  ])("%j → %j", (name, slug) => {
    expect(slugFromName(name)).toBe(slug);
    expect(ok(organizationSlugSchema, slug)).toBe(slug);
  });

  it("leaves room for a collision suffix and never ends with a hyphen", () => {
    const slug = slugFromName(`${"a".repeat(55)} b`);
    expect(slug).toBe("a".repeat(55));
    expect(slugWithSuffix(slug, 123456).length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slugWithSuffix("acme", 1)).toBe("acme");
    expect(slugWithSuffix("acme", 2)).toBe("acme-2");
  });
});

describe("organizationSlugSchema", () => {
  it.each(["Acme", "acme corp", "-acme", "acme-", "ac--me", "acmé"])("refuses %j", (slug) => {
    expect(fail(organizationSlugSchema, slug)).toEqual([{ path: [], message: slugMessages.format }]);
  });
  it("refuses empty and too long slugs", () => {
    expect(fail(organizationSlugSchema, " ")).toEqual([{ path: [], message: slugMessages.empty }]);
    expect(fail(organizationSlugSchema, "a".repeat(MAX_SLUG_LENGTH + 1))).toEqual([{ path: [], message: slugMessages.tooLong }]);
  });
});

describe("organization inputs", () => {
  it("create: a name, an optional slug", () => {
    expect(ok(createOrganizationBodySchema, { name: " Acme " })).toEqual({ name: "Acme" });
    expect(fail(createOrganizationBodySchema, { name: "Acme", slug: "A" })).toEqual([{ path: ["slug"], message: slugMessages.format }]);
  });
  it("update: a new name or slug, at least one", () => {
    expect(ok(updateOrganizationInputSchema, { organizationId: ORG_ID, slug: "acme" })).toEqual({ organizationId: ORG_ID, slug: "acme" });
    expect(fail(updateOrganizationInputSchema, { organizationId: ORG_ID })).toEqual([
      { path: ["name"], message: "Give a new name or slug" },
    ]);
  });
});
