import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi-document";

type Schema = {
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Parameter = { name: string; in: string; description?: string; example?: unknown; schema: Schema };
type Operation = { operationId: string; parameters: Parameter[]; requestBody?: { content: { "application/json": { schema: Schema } } } };

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
