import { errorEnvelopeSchema } from "@ociauth/schema";
import { z } from "zod";
import { type AppErrorCode, ERROR_TABLE } from "../core/errors";
import { MAX_BODY_BYTES } from "./dispatch";
import { inputSource, type RestRoute, restRoutes } from "./rest-routes";

type JsonSchema = Record<string, unknown>;
type ObjectSchema = JsonSchema & { properties?: Record<string, JsonSchema>; required?: string[] };

const toSchema = (schema: z.ZodType, io: "input" | "output"): ObjectSchema => {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return json;
};

/** What each error of the error table means in an answer of this API (its status comes from ERROR_TABLE). */
const ERROR_DESCRIPTIONS = {
  VALIDATION: "Validation failure: `message` is the array of zod issues",
  BAD_REQUEST: "Bad request (malformed JSON, wrong content type, or a business rule)",
  UNAUTHORIZED: "Missing credentials, or access denied",
  TOKEN: "Invalid, expired or revoked token",
  PERMISSION_DENIED: "The caller's role does not permit this",
  PERMISSION_BOUNDARY: "A role above the caller's own",
  FORBIDDEN: "Refused (e.g. by a trusted-IP rule)",
  NOT_FOUND: "Unknown entity or route",
  METHOD_NOT_ALLOWED: "The path does not take this method (`Allow` names those it takes)",
  PAYLOAD_TOO_LARGE: `Request body over ${MAX_BODY_BYTES / 1024 / 1024} MiB`,
  RATE_LIMITED: "Too many attempts: `Retry-After` says when to try again",
  BAD_GATEWAY: "OCI could not be reached",
  SERVICE_UNAVAILABLE:
    "The database is unavailable, the request did not finish within its deadline (REQUEST_TIMEOUT_MS), or (logins and changes) a required audit device cannot record: `Retry-After` says when to try again",
} satisfies Record<AppErrorCode, string>;

/**
 * The errors an operation can answer: those of every operation (bad request, unknown entity, the
 * database unavailable or the request deadline passed), a validation failure when it takes input,
 * a body too large when it takes a body, the authentication and permission errors when it needs a
 * caller, and those it declares itself (`rest.errors`).
 */
export function errorCodesOf(route: RestRoute): AppErrorCode[] {
  const codes: AppErrorCode[] = ["BAD_REQUEST", "NOT_FOUND", "SERVICE_UNAVAILABLE"];
  if (route.operation.input) codes.push("VALIDATION");
  if (inputSource(route.rest.method) === "body") codes.push("PAYLOAD_TOO_LARGE");
  if (route.operation.auth) codes.push("UNAUTHORIZED", "TOKEN", "PERMISSION_DENIED", "PERMISSION_BOUNDARY", "FORBIDDEN");
  return [...new Set([...codes, ...(route.rest.errors ?? [])])];
}

/** The error responses of an operation by status (errors sharing a status share one entry), and 500. */
function errorResponses(route: RestRoute): Record<string, string> {
  const byStatus = new Map<number, string[]>();
  for (const code of errorCodesOf(route)) {
    const { status } = ERROR_TABLE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), ERROR_DESCRIPTIONS[code]]);
  }
  const statuses = [...byStatus.keys()].sort((a, b) => a - b);
  return {
    ...Object.fromEntries(statuses.map((status) => [String(status), byStatus.get(status)!.join("; ")])),
    "500": "Unexpected error",
  };
}

/** `/api/v1/identities/:identityId` → `/api/v1/identities/{identityId}` */
export const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/** A parameter object; the field's description and example (from the schema's `.meta`) show at the parameter too. */
function parameter(name: string, location: "path" | "query", required: boolean, schema: JsonSchema) {
  const { description, example } = schema as { description?: string; example?: unknown };
  return { name, in: location, required, ...(description ? { description } : {}), ...(example === undefined ? {} : { example }), schema };
}

/** The operation's input split as REST takes it: path parameters, then query parameters or the body. */
function inputParts(route: RestRoute) {
  const input: ObjectSchema = route.operation.input ? toSchema(route.operation.input, "input") : { type: "object", properties: {} };
  const properties = input.properties ?? {};
  const required = input.required ?? [];
  const isPathParam = (name: string) => route.pathParams.includes(name);
  const parameters = route.pathParams.map((name) => parameter(name, "path", true, properties[name] ?? { type: "string" }));
  const source = inputSource(route.rest.method);
  if (source === "query") {
    for (const [name, schema] of Object.entries(properties)) {
      if (!isPathParam(name)) parameters.push(parameter(name, "query", required.includes(name), schema));
    }
  }
  const body: ObjectSchema | undefined =
    source === "body"
      ? {
          ...input,
          properties: Object.fromEntries(Object.entries(properties).filter(([name]) => !isPathParam(name))),
          required: required.filter((name) => !isPathParam(name)),
        }
      : undefined;
  return { parameters, body };
}

function operationObject(route: RestRoute) {
  const { rest, operation } = route;
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  });
  const responses: Record<string, unknown> = {
    "200": rest.stream
      ? // A file, not JSON: the media types are named in the description (no JSON schema to show).
        { description: `A file download, streamed (content-disposition: attachment): ${rest.stream.mediaTypes}` }
      : {
          description: "Success",
          content: { "application/json": { schema: toSchema(rest.view?.response ?? operation.output, "output") } },
        },
  };
  for (const [status, description] of Object.entries(errorResponses(route))) {
    responses[status] = errorResponse(description);
  }
  const { parameters, body } = inputParts(route);
  return {
    operationId: route.operationId,
    summary: rest.summary,
    tags: [rest.tag],
    ...(operation.kind === "stream" ? {} : { "x-trpc-procedure": route.name }),
    ...(operation.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    parameters,
    ...(body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: body },
              ...(rest.formBody ? { "application/x-www-form-urlencoded": { schema: body } } : {}),
            },
          },
        }
      : {}),
    responses,
  };
}

/** OpenAPI 3.1 document of the REST API, generated from the operation table. */
export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of restRoutes) {
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.rest.method.toLowerCase()] = operationObject(route);
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
    tags: [...new Set(restRoutes.map((route) => route.rest.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Error: toSchema(errorEnvelopeSchema, "output") },
    },
  };
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;
export const getOpenApiDocument = () => (cached ??= buildOpenApiDocument());
