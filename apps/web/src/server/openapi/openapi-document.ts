import { errorEnvelopeSchema } from "@ociauth/schema";
import { z } from "zod";
import type { RestRoute } from "../rest/define-route";
import { restRoutes } from "../rest/routes";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return json;
};

const ERROR_RESPONSES: Record<string, string> = {
  "400": "Bad request (malformed JSON, wrong content type, or a business rule)",
  "401": "Missing credentials, or access denied",
  "403": "Invalid or expired token, or not permitted",
  "404": "Unknown entity or route",
  "422": "Validation failure: `message` is the array of zod issues",
  "500": "Unexpected error",
};

/** `/api/v1/identities/:identityId` → `/api/v1/identities/{identityId}` */
export const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

function parameters(route: RestRoute) {
  const params: JsonSchema[] = [];
  for (const [where, schema] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      params.push({ name, in: where, required: where === "path" || (json.required ?? []).includes(name), schema: property });
    }
  }
  return params;
}

function operation(route: RestRoute) {
  const responses: Record<string, unknown> = {
    "200": { description: "Success", content: { "application/json": { schema: toSchema(route.response, "output") } } },
  };
  for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
    responses[status] = { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  }
  if (route.operationId === "loginWithOciAuth") {
    responses["502"] = {
      description: "OCI's identity endpoint could not be reached",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(route.body, "input") } } } } : {}),
    responses,
  };
}

/** OpenAPI 3.1 document of the REST API, generated from the routes' zod schemas. */
export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of restRoutes) {
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "OCI Auth API",
      version: "1.0.0",
      description:
        "Machine identities authenticate with Oracle Cloud (OCI) API-key signatures and receive short-lived access tokens. Compatible with Infisical's OCI Auth endpoints.",
    },
    servers: [{ url: "/" }],
    tags: [...new Set(restRoutes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Error: toSchema(errorEnvelopeSchema, "output") },
    },
  };
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;
export const getOpenApiDocument = () => (cached ??= buildOpenApiDocument());
