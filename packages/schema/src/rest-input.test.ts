import { describe, expect, it } from "vitest";
import { z } from "zod";
import { restInput } from "./rest-input";

const ID = "3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f";

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

  it("refuses a body that repeats a path parameter, as an unknown key", () => {
    const thrown = (() => {
      try {
        restInput({ identityId: ID, name: "x" }, { identityId: ID });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(z.ZodError);
    expect((thrown as z.ZodError).issues).toEqual([
      { code: "unrecognized_keys", keys: ["identityId"], path: [], message: 'Unrecognized key: "identityId"' },
    ]);
  });
});
