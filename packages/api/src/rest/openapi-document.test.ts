import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi-document";
import { restRoutes } from "./rest-routes";

type Schema = {
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Parameter = { name: string; in: string; description?: string; example?: unknown; schema: Schema };
type Operation = {
  operationId: string;
  parameters: Parameter[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
  responses: Record<string, { description: string }>;
};

const operations = Object.values(buildOpenApiDocument().paths).flatMap((methods) => Object.values(methods as Record<string, Operation>));

/** Every property below `schema` (objects, array items, alternatives), by its path, without a description. */
function undescribed(schema: Schema, path: string): string[] {
  const missing: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const where = `${path}.${name}`;
    if (!property.description) missing.push(where);
    missing.push(...undescribed(property, where));
  }
  if (schema.items) missing.push(...undescribed(schema.items, `${path}[]`));
  for (const option of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    missing.push(...undescribed(option, path));
  return missing;
}

describe("the OpenAPI document describes every request field", () => {
  it("has request fields to check", () => {
    expect(operations.length).toBeGreaterThanOrEqual(14);
    expect(operations.filter((op) => op.requestBody).length).toBeGreaterThanOrEqual(8);
  });

  it.each(operations.map((op) => [op.operationId, op] as const))("%s: every parameter and body property has a description", (_id, op) => {
    const missing = op.parameters.filter((p) => !p.description).map((p) => `${p.in}:${p.name}`);
    for (const parameter of op.parameters) missing.push(...undescribed(parameter.schema, `${parameter.in}:${parameter.name}`));
    if (op.requestBody) missing.push(...undescribed(op.requestBody.content["application/json"].schema, "body"));
    expect(missing).toEqual([]);
  });

  it("key fields carry examples", () => {
    const byId = Object.fromEntries(operations.map((op) => [op.operationId, op]));
    const body = (id: string) =>
      byId[id]!.requestBody!.content["application/json"].schema as { properties: Record<string, { example?: unknown }> };
    expect(body("attachOciAuth").properties.tenancyOcid?.example).toMatch(/^ocid1\.tenancy\.oc1\./);
    expect(body("attachOciAuth").properties.accessTokenTTL?.example).toBe(3600);
    expect(body("createIdentity").properties.name?.example).toBe("build-runner");
    expect(body("loginWithOciAuth").properties.userOcid?.example).toMatch(/^ocid1\.user\./);
    expect(byId.getIdentity!.parameters.find((p) => p.name === "identityId")?.example).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("the OpenAPI document lists each operation's error answers from the error table", () => {
  const byId = Object.fromEntries(operations.map((op) => [op.operationId, op]));
  const statusesOf = (id: string) => Object.keys(byId[id]!.responses);

  it("gives every operation 503 (database unavailable, request deadline) and 500", () => {
    for (const op of operations) {
      expect(op.responses["503"]?.description, op.operationId).toMatch(/REQUEST_TIMEOUT_MS/);
      expect(op.responses["500"], op.operationId).toBeDefined();
    }
  });

  it("gives 413 exactly to the operations that take a body", () => {
    for (const op of operations) expect("413" in op.responses, op.operationId).toBe(op.requestBody !== undefined);
  });

  it("gives 429 to the rate-limited operations only, 502 to those that call OCI only", () => {
    const rateLimited = [
      "loginWithOciAuth",
      "loginWithOciPrincipal",
      "createOciAuthChallenge",
      "bootstrapInstance",
      "loginUser",
      "changeOwnPassword",
    ];
    expect(
      operations
        .filter((op) => "429" in op.responses)
        .map((op) => op.operationId)
        .sort(),
    ).toEqual(rateLimited.sort());
    expect(byId.loginUser!.responses["429"]!.description).toMatch(/Retry-After/);
    expect(
      operations
        .filter((op) => "502" in op.responses)
        .map((op) => op.operationId)
        .sort(),
    ).toEqual(["loginWithOciAuth", "loginWithOciPrincipal"].sort());
  });

  it("gives 401 and 403 to the operations that need a caller, and to the public ones that check credentials", () => {
    for (const { operationId, operation } of restRoutes) {
      if (operation.auth) expect(statusesOf(operationId), operationId).toEqual(expect.arrayContaining(["401", "403"]));
    }
    expect(statusesOf("renewAccessToken")).toEqual(expect.arrayContaining(["401", "403"]));
    expect(statusesOf("bootstrapInstance")).not.toContain("401");
    expect(statusesOf("getIdentity")).toEqual(["200", "400", "401", "403", "404", "422", "500", "503"]);
  });
});
