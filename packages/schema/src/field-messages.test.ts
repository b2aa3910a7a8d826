import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as schemas from "./index";
import { attachOciAuthInputSchema } from "./oci-auth";

/** zod's own wording ("Invalid input: expected int, received number", "Too small: expected number to be >=0"). */
const ZOD_DEFAULT_WORDING = /^Invalid input|Too small|Too big|expected .* received/;

/** Every request schema the operations take: by convention their names end so. */
const inputSchemas: [string, z.ZodType][] = Object.entries(schemas as Record<string, unknown>).flatMap(([name, value]) =>
  /(InputSchema|BodySchema|QuerySchema|ParamsSchema)$/.test(name) && value instanceof z.ZodType
    ? [[name, value] as [string, z.ZodType]]
    : [],
);

const LONG = "a".repeat(100_000);
/** Values of every wrong kind: not integers, negative, too large, wrong types, too long. */
const badLeaves: unknown[] = [1.5, -1, -0.5, 1e12, 2 ** 60, Number.NaN, "x", "", LONG, true, null, {}, [], [1], { a: 1 }];

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/**
 * Wrong values for a schema and for every field nested in it (objects, arrays, unions, wrappers),
 * each a whole input for the schema, so a bad field is checked in place.
 */
function badInputs(schema: unknown, depth = 0): unknown[] {
  const def = defOf(schema);
  const inputs = [...badLeaves];
  if (depth > 4) return inputs;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
      return badInputs(def.innerType, depth);
    case "pipe":
      return [...badInputs(def.in, depth), ...badInputs(def.out, depth)];
    case "union":
      return [...inputs, ...(def.options as unknown[]).flatMap((option) => badInputs(option, depth + 1))];
    case "array":
      return [...inputs, ...badInputs(def.element, depth + 1).map((element) => [element]), Array.from({ length: 1000 }, () => "x")];
    case "object": {
      const shape = def.shape as Record<string, unknown>;
      for (const [key, field] of Object.entries(shape)) {
        for (const value of badInputs(field, depth + 1)) inputs.push({ [key]: value });
      }
      inputs.push(Object.fromEntries(Object.keys(shape).map((key) => [key, 1.5])));
      inputs.push({ notAField: 1 });
      return inputs;
    }
    default:
      return inputs;
  }
}

describe("every field of every request schema has its own message", () => {
  it("finds the request schemas", () => {
    expect(inputSchemas.map(([name]) => name)).toEqual(
      expect.arrayContaining(["attachOciAuthInputSchema", "createIdentityInputSchema", "ociLoginBodySchema", "listAuditEventsQuerySchema"]),
    );
    expect(inputSchemas.length).toBeGreaterThanOrEqual(14);
  });

  it.each(inputSchemas)("%s never answers with zod's default wording", (_name, schema) => {
    const inputs = badInputs(schema);
    expect(inputs.length).toBeGreaterThan(badLeaves.length);
    const offending: string[] = [];
    let failures = 0;
    for (const input of inputs) {
      const result = schema.safeParse(input);
      if (result.success) continue;
      failures++;
      for (const issue of result.error.issues) {
        const nested = (issue as { errors?: z.core.$ZodIssue[][] }).errors?.flat() ?? [];
        for (const { path, message } of [issue, ...nested]) {
          if (ZOD_DEFAULT_WORDING.test(message)) offending.push(`${path.join(".") || "(root)"}: ${message}`);
        }
      }
    }
    expect(failures).toBeGreaterThan(0);
    expect([...new Set(offending)]).toEqual([]);
  });

  it("a TTL of 1.5 and a negative TTL name the field and what to do", () => {
    const base = { identityId: "7c9e6679-7425-40de-944b-e07fc1f90ae7", tenancyOcid: "ocid1.tenancy.oc1..a" };
    const messagesOf = (input: object) => attachOciAuthInputSchema.safeParse({ ...base, ...input }).error?.issues.map((i) => i.message);
    expect(messagesOf({ accessTokenTTL: 1.5 })).toEqual(["Access token TTL must be a whole number of seconds"]);
    expect(messagesOf({ accessTokenTTL: -1 })).toEqual(["Access token TTL must be 0 or more"]);
    expect(messagesOf({ accessTokenMaxTTL: "60" })).toEqual(["Access token max TTL must be a whole number of seconds"]);
  });
});
