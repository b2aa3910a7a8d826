import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideConfigForTesting } from "../core/config";
import { setLoggerDestinationForTesting } from "../core/logger";
import { rawRequest } from "./raw-http";
import { startTestServer } from "../testing/test-server";

const MIB = 1024 * 1024;
const LOGIN_SPELLINGS = [
  "/api/v1/auth/login",
  "/api/./v1/auth/login",
  "/x/../api/v1/auth/login",
  "//api//v1/auth/login",
  "/api%2Fv1/auth/login",
  "/api/v1/auth/./login",
  "/x/%2e%2e/api/v1/auth/login",
];

/** The front door of the production server: every spelling of an /api/* path meets the same checks. */
describe("one front door for every spelling of /api/*", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let pagesReached: string[];
  const logLines: string[] = [];
  let adminToken: string;
  let orgId: string;

  beforeAll(async () => {
    setLoggerDestinationForTesting(new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }), "info");
    pagesReached = [];
    server = await startTestServer((req, res) => {
      pagesReached.push(req.url ?? "");
      res.writeHead(200, { "content-type": "text/html" }).end("<p>page</p>");
    });
    const boot = await post("/api/v1/admin/bootstrap", { email: "door@example.com", password: "a-long-password!", organization: "Door" });
    adminToken = boot.json().identity.credentials.token;
    orgId = boot.json().organization.id;
    overrideConfigForTesting({ RATE_LIMIT: "on", RATE_LIMIT_WINDOW_SECONDS: 60, RATE_LIMIT_LOGIN_PER_IP: 5 });
  });
  afterAll(async () => {
    overrideConfigForTesting({ RATE_LIMIT: "off" });
    await server.close();
  });

  function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return rawRequest(server.url, {
      method: "POST",
      path,
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  }

  it("rate-limits user logins per IP whatever the path's spelling, records the caller IP and logs each one", async () => {
    const statuses: number[] = [];
    for (const path of LOGIN_SPELLINGS) {
      statuses.push((await post(path, { email: "door@example.com", password: "wrong-password" })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(pagesReached).toEqual([]);

    const audit = await rawRequest(server.url, {
      path: "/api/v1/audit-logs?eventType=login-user-failed",
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const events = audit.json().events as { ipAddress: string | null }[];
    expect(events).toHaveLength(5);
    for (const event of events) expect(event.ipAddress).toBe("127.0.0.1");

    const logged = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === "request" && l.method === "POST" && l.status !== 200);
    expect(logged.filter((l) => l.path === "/api/v1/auth/login")).toHaveLength(LOGIN_SPELLINGS.length);
  });

  it("limits a tRPC batch of logins exactly as the same calls sent one by one", async () => {
    await server.database.prisma.rateLimitBucket.deleteMany(); // a fresh budget of 5 for 127.0.0.1
    const calls = 10; // the most logins one batch may carry (MAX_TRPC_BATCH_WEIGHT)
    const names = Array.from({ length: calls }, () => "auth.login").join(",");
    // One email each: only the per-IP budget is under test here (the per-account delay: login-backoff.int.test.ts).
    const input = Object.fromEntries(
      Array.from({ length: calls }, (_, i) => [i, { email: `door-${i}@example.com`, password: `wrong-${i}` }]),
    );
    const res = await post(`/api/./trpc/${names}?batch=1`, input);
    const codes = (res.json() as { error?: { data: { code: string } } }[]).map((r) => r.error?.data.code);
    expect(codes).toHaveLength(calls);
    expect(codes.filter((c) => c === "UNAUTHORIZED")).toHaveLength(5); // five passwords checked
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(calls - 5);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0); // as REST sends it
  });

  it("sends the same headers over tRPC as over REST: request id, 422 for bad input", async () => {
    const login = {
      identityId: "00000000-0000-4000-8000-000000000001",
      userOcid: "ocid1.user.oc1..aaaa",
      headers: { authorization: "x", host: "identity.us-ashburn-1.oraclecloud.com", "x-date": new Date().toUTCString() },
    };
    overrideConfigForTesting({ RATE_LIMIT: "off" });
    try {
      const rest = await post("/api/v1/auth/oci-auth/login", login);
      const trpc = await post("/api/trpc/ociAuth.login", login);
      expect([rest.status, trpc.status]).toEqual([404, 404]);
      for (const res of [rest, trpc]) {
        expect(res.headers["x-request-id"]).toMatch(/^req-[A-Za-z0-9]{14}$/);
      }
      const badRest = await post("/api/v1/auth/oci-auth/login", { ...login, identityId: "nope" });
      const badTrpc = await post("/api/trpc/ociAuth.login", { ...login, identityId: "nope" });
      expect([badRest.status, badTrpc.status]).toEqual([422, 422]);
      expect(badTrpc.json().error.data).toMatchObject({ code: "UNPROCESSABLE_CONTENT", appCode: "ValidationFailure" });
    } finally {
      overrideConfigForTesting({ RATE_LIMIT: "on" });
    }
  });

  it("refuses a tRPC batch of more than 50 calls whole, before running any of it", async () => {
    const calls = 51;
    const names = Array.from({ length: calls }, () => "identities.create").join(",");
    const input = Object.fromEntries(
      Array.from({ length: calls }, (_, i) => [i, { name: `batch-${i}`, organizationId: orgId, role: "member" }]),
    );
    const res = await post(`/x/../api/trpc/${names}?batch=1`, input, { authorization: `Bearer ${adminToken}` });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, error: "PayloadTooLarge" });
    expect(res.json().message).toMatch(/at most 50 calls/);
    const list = await rawRequest(server.url, {
      path: `/api/v1/identities?organizationId=${orgId}&search=batch-`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(list.json().totalCount).toBe(0);

    const fifty = Array.from({ length: 50 }, () => "identities.create").join(",");
    const ok = await post(
      `/api/trpc/${fifty}?batch=1`,
      Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i, { name: `ok-${i}`, organizationId: orgId, role: "member" }])),
      {
        authorization: `Bearer ${adminToken}`,
      },
    );
    expect(ok.status).toBe(200);
    expect((ok.json() as unknown[]).length).toBe(50);
  });

  it("refuses a tRPC batch over its weight budget whole (lists weigh more), however its names are spelled", async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    // 1 create + 10 lists = 101 > 100: refused before the create runs.
    const names = ["identities.create", ...Array.from({ length: 10 }, () => "identities.list")];
    const input = Object.fromEntries(
      names.map((_, i) => [i, i === 0 ? { name: "weighed-out", organizationId: orgId, role: "member" } : { organizationId: orgId }]),
    );
    for (const path of [names.join(","), names.join("%2C"), names.join("%2c").replaceAll(".", "%2E")]) {
      const res = await post(`/api/trpc/${path}?batch=1`, input, auth);
      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({ statusCode: 413, error: "PayloadTooLarge" });
      expect(res.json().message).toMatch(/costs 101, over the budget of 100 per batch .*split it/);
    }
    const created = await rawRequest(server.url, { path: `/api/v1/identities?organizationId=${orgId}&search=weighed-out`, headers: auth });
    expect(created.json().totalCount).toBe(0);

    const lists = (count: number) =>
      rawRequest(server.url, {
        path: `/api/trpc/${Array.from({ length: count }, () => "identities.list").join(",")}?batch=1&input=${encodeURIComponent(
          JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [i, { organizationId: orgId }]))),
        )}`,
        headers: auth,
      });
    expect((await lists(10)).status).toBe(200); // 10 lists: exactly the budget
    const over = await lists(11);
    expect(over.status).toBe(413);
    expect(over.json().message).toMatch(/costs 110/);
    // Names that are no procedure weigh as plain calls: they do not make room for heavy ones.
    const padded = await post(
      `/api/trpc/${["nope.nothing", ...Array.from({ length: 10 }, () => "identities.list")].join(",")}?batch=1`,
      {},
      auth,
    );
    expect(padded.status).toBe(413);
  });

  it.each(["/api/./v1/identities", "/x/../api/trpc/identities.create", "/api%2fv1/identities"])(
    "caps a streamed body at 1 MiB on %s while it arrives (413, nothing buffered past the cap)",
    async (path) => {
      const res = await rawRequest(server.url, {
        method: "POST",
        path,
        headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
        body: { streamBytes: 64 * MIB },
      });
      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({ statusCode: 413, error: "PayloadTooLarge" });
      expect(res.headers.connection).toBe("close");
    },
  );

  it("refuses oversized or undeclared bodies on pages before Next sees them", async () => {
    const declared = await rawRequest(server.url, {
      method: "POST",
      path: "/identities",
      headers: { "content-length": String(2 * MIB) },
      body: "x",
    });
    expect(declared.status).toBe(413);
    const chunked = await rawRequest(server.url, { method: "POST", path: "/identities", body: { streamBytes: 128 * 1024 } });
    expect(chunked.status).toBe(400);
    expect(chunked.json().message).toMatch(/Content-Length/);
    expect(pagesReached).toEqual([]);
    const page = await rawRequest(server.url, { path: "/identities/./x" });
    expect(page.status).toBe(200);
    expect(pagesReached).toEqual(["/identities/./x"]);
  });

  it("refuses a cross-site server action with a 403 envelope before Next sees it (Next would answer 500)", async () => {
    const action = { "next-action": "606e74a4ec98c00b7bec7d9bbfd18959239fbbaac7", "content-type": "text/plain;charset=UTF-8" };
    const before = pagesReached.length;
    for (const origin of ["http://evil.example", "null", "not a url"]) {
      const res = await rawRequest(server.url, { method: "POST", path: "/login", headers: { ...action, origin }, body: "[]" });
      expect(res.status, origin).toBe(403);
      expect(res.json()).toMatchObject({
        statusCode: 403,
        error: "ForbiddenError",
        message: "Cross-site request refused: the Origin does not match this site",
      });
    }
    expect(pagesReached.length).toBe(before);
    const host = new URL(server.url).host;
    const same = await rawRequest(server.url, {
      method: "POST",
      path: "/login",
      headers: { ...action, origin: `http://${host}` },
      body: "[]",
    });
    expect(same.status).toBe(200); // handed to the pages
    expect(pagesReached.at(-1)).toBe("/login");
  });

  it("refuses a cross-site form post to a page (no Next-Action header) with the same 403 envelope", async () => {
    const body = '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n--x--\r\n';
    const multipart = { "content-type": "multipart/form-data; boundary=x", "content-length": String(body.length) };
    const host = new URL(server.url).host;
    const before = pagesReached.length;
    for (const [label, headers] of [
      ["another site's Origin", { origin: "http://evil.example" }],
      ["an opaque Origin", { origin: "null" }],
      ["a sibling subdomain", { origin: `http://sub.${host}` }],
      ["Sec-Fetch-Site without Origin", { "sec-fetch-site": "cross-site" }],
      ["same-site is not same-origin", { "sec-fetch-site": "same-site" }],
    ] as const) {
      for (const method of ["POST", "PUT", "DELETE"]) {
        const res = await rawRequest(server.url, { method, path: "/login", headers: { ...multipart, ...headers }, body });
        expect(res.status, `${method} ${label}`).toBe(403);
        expect(res.json()).toMatchObject({
          statusCode: 403,
          error: "ForbiddenError",
          message: "Cross-site request refused: the Origin does not match this site",
        });
      }
    }
    expect(pagesReached.length).toBe(before);

    // Same-origin posts, reads from anywhere and clients that are not browsers reach the pages.
    for (const [method, headers] of [
      ["POST", { ...multipart, origin: `http://${host}` }],
      ["POST", { ...multipart, "sec-fetch-site": "same-origin" }],
      ["POST", multipart],
      ["GET", { origin: "http://evil.example", "sec-fetch-site": "cross-site" }],
    ] as const) {
      const res = await rawRequest(server.url, { method, path: "/login", headers, body: method === "GET" ? undefined : body });
      expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(200);
    }
    expect(pagesReached.length).toBe(before + 4);
  });

  it("answers unknown /api/* paths with the JSON 404 envelope, never a page", async () => {
    const before = pagesReached.length;
    for (const path of ["/api/v2/identities", "/api", "/api/", "/x/../api/nothing", "/api/trpc"]) {
      const res = await rawRequest(server.url, { path });
      expect(res.status, path).toBe(404);
      expect(res.headers["content-type"]).toMatch(/application\/json/);
      expect(res.json()).toMatchObject({ statusCode: 404, error: "NotFound" });
      expect(res.json().reqId).toMatch(/^req-[A-Za-z0-9]{14}$/);
    }
    expect(pagesReached.slice(before)).toEqual([]);
  });

  it("answers unsupported methods on known paths with 405 and Allow", async () => {
    const put = await rawRequest(server.url, {
      method: "PUT",
      path: "/api/v1/identities",
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("POST, GET, HEAD");
    expect(put.json()).toMatchObject({
      statusCode: 405,
      error: "MethodNotAllowed",
      message: "Method PUT is not allowed on /api/v1/identities",
    });
    const one = await rawRequest(server.url, { method: "PUT", path: "/api/v1/identities/00000000-0000-4000-8000-000000000000" });
    expect(one.status).toBe(405);
    expect(one.headers.allow?.split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "PATCH"]);
    const docs = await rawRequest(server.url, { method: "POST", path: "/api/docs/json" });
    expect(docs.status).toBe(405);
    expect(docs.headers.allow).toBe("GET, HEAD");
    const doc = await rawRequest(server.url, { path: "/api/./docs/json" });
    expect(doc.status).toBe(200);
    expect(doc.json().openapi).toBe("3.1.0");
  });

  it("uses no session cookie that is ambiguous or undecodable (401, never a 500)", async () => {
    const login = await post(
      "/api/v1/auth/login",
      { email: "door@example.com", password: "a-long-password!" },
      { "x-forwarded-for": "198.51.100.9" },
    );
    // 127.0.0.1 is rate-limited by now; X-Forwarded-For is not trusted (no TRUSTED_PROXIES), so log in directly.
    expect(login.status).toBe(429);
    overrideConfigForTesting({ RATE_LIMIT: "off" });
    const session = (await post("/api/v1/auth/login", { email: "door@example.com", password: "a-long-password!" })).json().token as string;
    const list = (cookie: string) =>
      rawRequest(server.url, {
        path: `/api/trpc/identities.list?input=${encodeURIComponent(JSON.stringify({ organizationId: orgId }))}`,
        headers: { cookie },
      });
    expect((await list(`ociauth_session=${session}`)).status).toBe(200);
    const twice = await list(`ociauth_session=planted-by-a-sibling; ociauth_session=${session}`);
    expect(twice.status).toBe(401);
    const twiceOtherOrder = await list(`ociauth_session=${session}; ociauth_session=planted-by-a-sibling`);
    expect(twiceOtherOrder.status).toBe(401);
    const broken = await list("ociauth_session=%E0%A4%A");
    expect(broken.status).toBe(401);
    expect(broken.json().error.data.code).toBe("UNAUTHORIZED");
    const restBroken = await rawRequest(server.url, {
      path: `/api/v1/identities?organizationId=${orgId}`,
      headers: { cookie: "ociauth_session=%E0%A4%A" },
    });
    expect(restBroken.status).toBe(401);
  });
});
