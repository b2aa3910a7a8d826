import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restRoutes } from "../rest/rest-routes";
import { createTestApp, type TestApp, TENANCY } from "./harness";

/** Runs per property: a few dozen in `pnpm test`, many more in `pnpm test:soak` (FUZZ_RUNS). */
const RUNS = Number(process.env.FUZZ_RUNS) || 40;

const ENVELOPE_KEYS = ["details", "error", "message", "reqId", "statusCode"];

const adversarialString = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "__proto__",
    "constructor",
    "prototype",
    "../../etc/passwd",
    "%2f%2e%2e",
    "ocid1.tenancy.oc1..",
    "0.0.0.0/0",
    "::/0",
    "1.2.3.4/33",
    "ü@ß",
    "🙂".repeat(300),
  ),
  fc.string({ minLength: 501, maxLength: 2000 }),
);
const adversarialNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 53, 315360001, -0, 1.5));
const leaf = fc.oneof(adversarialString, adversarialNumber, fc.boolean(), fc.constant(null));
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.dictionary(
    fc.oneof(
      adversarialString,
      fc.constantFrom(
        "tenancyOcid",
        "allowedUsernames",
        "accessTokenTrustedIps",
        "accessTokenTTL",
        "accessTokenMaxTTL",
        "accessTokenNumUsesLimit",
        "name",
        "role",
        "organizationId",
        "orgId",
        "metadata",
        "hasDeleteProtection",
        "search",
        "$contains",
        "$or",
        "key",
        "value",
        "identityId",
        "userOcid",
        "headers",
        "email",
        "password",
        "organization",
        "accessToken",
        "__proto__",
        "constructor",
      ),
    ),
    tie("value"),
    { maxKeys: 6 },
  ),
}));
/** Bodies: JSON of random shapes, near-valid bodies with one field broken, and raw non-JSON text. */
const rawBody = fc.oneof(
  jsonish.value.map((v) => JSON.stringify(v) ?? "null"),
  fc
    .record({
      tenancyOcid: fc.oneof(fc.constant(TENANCY), adversarialString),
      accessTokenTTL: fc.oneof(adversarialNumber, adversarialString),
    })
    .map((v) => JSON.stringify(v)),
  fc.constantFrom(
    "{",
    "[1,2",
    "NaN",
    "Infinity",
    '{"accessTokenTTL": 1e999}',
    '{"__proto__": {"isAdmin": true}}',
    '{"constructor": {"prototype": {"x": 1}}}',
    "[".repeat(5000) + "]".repeat(5000),
    '{"a":'.repeat(2000),
  ),
  adversarialString,
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "application/vnd.api+json",
  "",
  "application/json;;;",
  "APPLICATION/JSON",
);
const pathParam = fc.oneof(
  fc.uuid(),
  adversarialString.map((s) => encodeURIComponent(s)),
  fc.constantFrom("%2f", "..", "%00", "%E0%A4%A", "00000000-0000-0000-0000-000000000000"),
);

describe("fuzzing every REST endpoint", () => {
  let app: TestApp;
  let token: string;
  let identityId: string;

  const domainCounts = async () => {
    const db = app.db;
    return Promise.all([
      db.organization.count(),
      db.user.count(),
      db.identity.count(),
      db.identityOciAuth.count(),
      db.identityAccessToken.count(),
      db.userSession.count(),
      db.auditEvent.count({ where: { eventType: { notIn: ["login-identity-oci-auth-failed", "get-identity-oci-auth", "get-identity"] } } }),
    ]);
  };

  beforeAll(async () => {
    app = await createTestApp();
    const boot = await app.bootstrap();
    token = boot.adminToken;
    identityId = await app.createIdentity(token, boot.orgId, "member");
    await app.rest("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, { token, body: { tenancyOcid: TENANCY } });
  });
  afterAll(() => app.close());

  it.each(restRoutes.map(({ rest }) => [`${rest.method} ${rest.path}`, rest] as const))(
    "%s: never a 5xx, always the envelope, nothing written on rejection",
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(
          pathParam,
          rawBody,
          contentType,
          fc.constantFrom<"valid" | "none" | "garbage">("valid", "none", "garbage"),
          fc.dictionary(
            fc.constantFrom("x-forwarded-for", "user-agent", "origin", "cookie", "accept"),
            adversarialString.map((s) => s.replace(/[^\x20-\x7e]/g, "")),
            { maxKeys: 3 },
          ),
          async (param, body, type, auth, headers) => {
            const path =
              route.path.replace(/:(\w+)/, param).replace(/:(\w+)/, param) +
              (route.method === "GET" ? `?limit=${encodeURIComponent(param)}` : "");
            const before = await domainCounts();
            const res = await app.rest(route.method, path, {
              rawBody: route.method === "GET" ? undefined : body,
              contentType: type || null,
              token: auth === "valid" ? token : auth === "garbage" ? "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ." : undefined,
              headers,
            });
            expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
            if (res.status >= 400) {
              expect(
                Object.keys(res.body)
                  .filter((k) => k !== "details")
                  .sort(),
              ).toEqual(ENVELOPE_KEYS.filter((k) => k !== "details"));
              expect(res.body.statusCode).toBe(res.status);
              expect(res.body.reqId).toMatch(/^req-[A-Za-z0-9]{14}$/);
              expect(await domainCounts()).toEqual(before);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    120_000,
  );

  it("tRPC procedures: never a 5xx for random inputs", async () => {
    const procedures = [
      "identities.create",
      "identities.get",
      "identities.list",
      "identities.update",
      "identities.delete",
      "ociAuth.attach",
      "ociAuth.get",
      "ociAuth.update",
      "ociAuth.revoke",
      "ociAuth.login",
      "tokens.renew",
      "tokens.revoke",
      "audit.list",
      "bootstrap.setup",
      "auth.login",
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...procedures), jsonish.value, async (procedure, input) => {
        const [router, name] = procedure.split(".") as [string, string];
        const caller = app.caller(token) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
        const before = await domainCounts();
        const outcome = await caller[router]![name]!(input).then(
          () => "ok",
          (error: { code?: string }) => error.code ?? "unknown",
        );
        expect(outcome).not.toBe("INTERNAL_SERVER_ERROR");
        expect(outcome).not.toBe("unknown");
        if (outcome !== "ok") expect(await domainCounts()).toEqual(before);
      }),
      { numRuns: RUNS * 3 },
    );
  }, 120_000);

  it("prototype-pollution keys do not pollute", async () => {
    await app.rest("PATCH", `/api/v1/auth/oci-auth/identities/${identityId}`, {
      token,
      rawBody: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
