import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, PASSWORD, type TestApp } from "./harness";

describe("session cookie and CSRF", () => {
  let app: TestApp;
  let cookie: string;
  let orgId: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ orgId } = await app.bootstrap());
    const login = await app.rest("POST", "/api/v1/auth/login", { body: { email: "admin@example.com", password: PASSWORD } });
    cookie = `ociauth_session=${login.body.token}`;
  });
  afterAll(() => app.close());

  const create = (headers: Record<string, string>) =>
    app.rest("POST", "/api/v1/identities", {
      body: { name: "csrf", organizationId: orgId, role: "viewer" },
      headers: { cookie, ...headers },
    });

  it("authenticates reads with the session cookie", async () => {
    const res = await app.rest("GET", "/api/v1/identities", { headers: { cookie } });
    expect(res.status).toBe(200);
  });

  it("refuses cookie-authenticated writes from another origin, and writes nothing", async () => {
    const before = await app.db.identity.count();
    const foreign = await create({ origin: "https://evil.example" });
    expect(foreign.status).toBe(401);
    expect(foreign.body).toMatchObject({ error: "UnauthorizedError", message: "Token missing" });
    const crossSite = await create({ "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(401);
    const noOrigin = await create({});
    expect(noOrigin.status).toBe(401);
    expect(await app.db.identity.count()).toBe(before);
  });

  it("accepts cookie-authenticated writes from the same origin", async () => {
    expect((await create({ origin: "http://localhost" })).status).toBe(200);
    expect((await create({ "sec-fetch-site": "same-origin" })).status).toBe(200);
  });
});
