import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { deadlinePassed } from "../http/request-deadline";
import { toErrorBody } from "../rest/error-envelope";
import { buildOpenApiDocument, toOpenApiPath } from "../rest/openapi-document";
import { restRoutes } from "../rest/rest-routes";
import { createTestApp, type TestApp, TENANCY } from "./harness";

type Doc = ReturnType<typeof buildOpenApiDocument>;
type Op = { responses: Record<string, { content?: Record<string, { schema: object }> }> };

describe("OpenAPI document", () => {
  let app: TestApp;
  let doc: Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: "doc", ...JSON.parse(JSON.stringify({ components: buildOpenApiDocument().components })) });

  /** Validates a real response against the document's schema for that operation and status. */
  function expectMatchesDocument(method: string, path: string, status: number, body: unknown) {
    const op = (doc.paths as Record<string, Record<string, Op>>)[path]?.[method.toLowerCase()];
    expect(op, `${method} ${path} documented`).toBeDefined();
    const schema = op!.responses[String(status)]?.content?.["application/json"]?.schema;
    expect(schema, `${method} ${path} ${status} documented`).toBeDefined();
    const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"doc#/components'));
    const validate = ajv.compile(resolved);
    const ok = validate(body);
    expect(validate.errors ?? [], JSON.stringify(body)).toEqual([]);
    expect(ok).toBe(true);
  }

  beforeAll(async () => {
    app = await createTestApp();
    doc = buildOpenApiDocument();
  });
  afterAll(() => app.close());

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("documents every REST route with a unique operationId", () => {
    for (const route of restRoutes) {
      const op = (doc.paths as Record<string, Record<string, { operationId: string }>>)[toOpenApiPath(route.path)]?.[
        route.rest.method.toLowerCase()
      ];
      expect(op?.operationId, `${route.rest.method} ${route.path}`).toBe(route.operationId);
    }
    const ids = restRoutes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(["loginWithOciAuth", "attachOciAuth", "updateOciAuth", "getOciAuth", "deleteOciAuth", "searchIdentities"]),
    );
    expect(ids).toEqual(expect.arrayContaining(["introspectAccessToken", "listSigningKeys", "rotateSigningKey"]));
    // Introspection takes RFC 7662's form body besides JSON, with the same fields.
    const introspect =
      (doc.paths as Record<string, Record<string, { requestBody: { content: Record<string, { schema: unknown }> } }>>)[
        "/api/v1/auth/token/introspect"
      ]?.post?.requestBody.content ?? {};
    expect(Object.keys(introspect)).toEqual(["application/json", "application/x-www-form-urlencoded"]);
    expect(introspect["application/x-www-form-urlencoded"]!.schema).toEqual(introspect["application/json"]!.schema);
    // An alias is documented at its own path: organization create at /api/v1/organizations and Infisical's /api/v2/organizations.
    expect(Object.keys((doc.paths as Record<string, object>)["/api/v1/organizations"] ?? {})).toEqual(["post"]);
    expect(Object.keys((doc.paths as Record<string, object>)["/api/v2/organizations"] ?? {})).toEqual(["post"]);
  });

  it("matches real responses, successes and errors", async () => {
    const boot = await app.rest("POST", "/api/v1/admin/bootstrap", {
      body: { email: "doc@example.com", password: "a-long-password!", organization: "Docs" },
    });
    expectMatchesDocument("POST", "/api/v1/admin/bootstrap", 200, boot.body);
    const token = boot.body.identity.credentials.token;
    const orgId = boot.body.organization.id;
    const created = await app.rest("POST", "/api/v1/identities", {
      token,
      body: { name: "doc", orgId, role: "member", metadata: [{ key: "team", value: "api" }] },
    });
    expectMatchesDocument("POST", "/api/v1/identities", 200, created.body);
    const id = created.body.identity.id;
    const ociPath = "/api/v1/auth/oci-auth/identities/{identityId}";
    const at = `/api/v1/auth/oci-auth/identities/${id}`;

    const cases: [string, string, string, Parameters<TestApp["rest"]>[2]][] = [
      [
        "POST",
        ociPath,
        at,
        { token, body: { tenancyOcid: TENANCY, accessTokenTrustedIps: [{ ipAddress: "10.0.0.1" }, { ipAddress: "::/0" }] } },
      ],
      ["GET", ociPath, at, { token }],
      ["PATCH", ociPath, at, { token, body: { allowedUsernames: "a,b" } }],
      ["POST", ociPath, at, { token, body: { tenancyOcid: TENANCY } }], // 400 already attached
      [
        "POST",
        "/api/v1/auth/oci-auth/login",
        "/api/v1/auth/oci-auth/login",
        { body: { identityId: id, userOcid: "ocid1.user.oc1..x", headers: { authorization: "x", host: "evil.com", date: "now" } } },
      ], // 400 host
      ["PATCH", ociPath, at, { token, body: { accessTokenTTL: -1 } }], // 422
      ["GET", ociPath, at, {}], // 401
      ["GET", ociPath, at, { token: "bad" }], // 403
      ["DELETE", ociPath, at, { token }],
      ["GET", ociPath, at, { token }], // 404
      ["GET", "/api/v1/identities", "/api/v1/identities?limit=5", { token }],
      [
        "POST",
        "/api/v1/identities/search",
        "/api/v1/identities/search",
        { token, body: { search: { name: { $contains: "do" } }, orderBy: "name", orderDirection: "desc" } },
      ],
      ["GET", "/api/v1/identities/{identityId}", `/api/v1/identities/${id}`, { token }],
      [
        "PATCH",
        "/api/v1/identities/{identityId}",
        `/api/v1/identities/${id}`,
        { token, body: { name: "renamed", metadata: [{ key: "team", value: "docs" }], hasDeleteProtection: true } },
      ],
      ["DELETE", "/api/v1/identities/{identityId}", `/api/v1/identities/${id}`, { token }], // 400 delete-protected
      ["PATCH", "/api/v1/identities/{identityId}", `/api/v1/identities/${id}`, { token, body: { hasDeleteProtection: false } }],
      ["GET", "/api/v1/audit-logs", "/api/v1/audit-logs?limit=3", { token }],
      ["POST", "/api/v1/auth/token/renew", "/api/v1/auth/token/renew", { body: { accessToken: "nope" } }],
      ["DELETE", "/api/v1/identities/{identityId}", `/api/v1/identities/${id}`, { token }],
    ];
    const statuses: number[] = [];
    for (const [method, docPath, url, options] of cases) {
      const res = await app.rest(method, url, options);
      statuses.push(res.status);
      expectMatchesDocument(method, docPath, res.status, res.body);
    }
    expect(statuses).toEqual([200, 200, 200, 400, 400, 422, 401, 403, 200, 404, 200, 200, 200, 200, 400, 200, 200, 403, 200]);
  });

  it("documents the answers of rate limits, body caps and the request deadline where they happen", async () => {
    overrideConfigForTesting({ RATE_LIMIT: "on", RATE_LIMIT_LOGIN_PER_IP: 1 });
    try {
      const login = { body: { email: "nobody@example.com", password: "wrong-password!" }, ip: "192.0.2.77" };
      const first = await app.rest("POST", "/api/v1/auth/login", login);
      const limited = await app.rest("POST", "/api/v1/auth/login", login);
      expect([first.status, limited.status]).toEqual([401, 429]);
      expectMatchesDocument("POST", "/api/v1/auth/login", 401, first.body);
      expectMatchesDocument("POST", "/api/v1/auth/login", 429, limited.body);
    } finally {
      overrideConfigForTesting({ RATE_LIMIT: "off" });
    }
    const big = await app.rest("POST", "/api/v1/identities", { rawBody: JSON.stringify({ name: "x".repeat(1024 * 1024) }) });
    expect(big.status).toBe(413);
    expectMatchesDocument("POST", "/api/v1/identities", 413, big.body);
    // Every operation may pass its deadline (the front door answers that, see request-deadline.int.test.ts).
    for (const { rest } of restRoutes) {
      expectMatchesDocument(rest.method, toOpenApiPath(rest.path), 503, toErrorBody(deadlinePassed(30_000), "req-AAAAAAAAAAAAAA"));
    }
  });
});
