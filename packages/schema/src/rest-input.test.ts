import { describe, expect, it } from "vitest";
import { z } from "zod";
import { messages } from "./messages";
import { restInput } from "./rest-input";

const ID = "3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f";
const OTHER = "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f";

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("restInput", () => {
  it("adds the path parameters to the body", () => {
    expect(restInput({ name: "x" }, { identityId: ID })).toEqual({ name: "x", identityId: ID });
    expect(restInput({}, { identityId: ID })).toEqual({ identityId: ID });
  });

  it("passes the body through unchanged when the path has no parameters", () => {
    const body = { identityId: "from-the-body" };
    expect(restInput(body, {})).toBe(body);
  });

  it("leaves a body that is not an object to the schema", () => {
    for (const body of [null, "x", 3, [1]]) expect(restInput(body, { identityId: ID })).toBe(body);
  });

  it("accepts a body that repeats a path parameter with the same value (Terraform's identity update)", () => {
    expect(restInput({ identityId: ID, name: "x" }, { identityId: ID })).toEqual({ identityId: ID, name: "x" });
  });

  it("refuses a repeated path parameter with another value, naming the key", () => {
    const thrown = thrownBy(() => restInput({ identityId: OTHER, name: "x" }, { identityId: ID }));
    expect(thrown).toBeInstanceOf(z.ZodError);
    expect((thrown as z.ZodError).issues).toEqual([
      { code: "custom", path: ["identityId"], message: messages.pathParamMismatch("identityId") },
    ]);
    expect(messages.pathParamMismatch("identityId")).toContain("identityId");
  });

  it("compares exactly: another type or case is another value", () => {
    const params = { organizationId: ID, userId: OTHER };
    const thrown = thrownBy(() => restInput({ organizationId: ID.toUpperCase(), userId: 7 }, params));
    expect((thrown as z.ZodError).issues.map((issue) => issue.path)).toEqual([["organizationId"], ["userId"]]);
  });
});
