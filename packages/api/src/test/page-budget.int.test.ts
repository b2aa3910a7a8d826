import { seedAuditEvents } from "@ociauth/db/testing";
import { MAX_LISTED_USERS, MAX_PAGE_BYTES } from "@ociauth/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userToken } from "./expect-helpers";
import { createTestApp, type TestApp } from "./harness";

/** A page's body stays near the budget: the rows within it, plus the envelope of a few hundred bytes. */
const BODY_SLACK = 4096;
const bodyBytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body));

/** Identity metadata at the schema's maximum, in characters JSON doubles (`"` → `\"`): about 100 KB per identity. */
const plantedMetadata = Array.from({ length: 50 }, (_, i) => ({ key: `key-${i}`, value: '"'.repeat(1020) }));

/** Pages through a list from offset 0 by its nextOffset; every page must hold at least one row. */
async function walk<T>(page: (offset: number) => Promise<{ rows: T[]; nextOffset: number | null }>) {
  const all: T[] = [];
  for (let offset: number | null = 0; offset !== null;) {
    const next: { rows: T[]; nextOffset: number | null } = await page(offset);
    expect(next.rows.length).toBeGreaterThan(0);
    all.push(...next.rows);
    offset = next.nextOffset;
  }
  return all;
}

describe("list pages are capped by bytes as well as rows, and say where to go on", () => {
  let app: TestApp;
  let orgId: string;
  let admin: string;
  let member: string;
  let viewer: string;

  beforeAll(async () => {
    app = await createTestApp();
    ({ orgId } = await app.bootstrap());
    admin = (await userToken(app, orgId, "admin")).token;
    member = (await userToken(app, orgId, "member")).token;
    viewer = (await userToken(app, orgId, "viewer")).token;
  });
  afterAll(() => app.close());

  it("audit events: 100 events at the audit cap (about 1.5 MiB) come in budgeted pages", async () => {
    await seedAuditEvents(app.database.execute, { orgId, count: 100, texts: 15 });
    const first = await app.rest("GET", "/api/v1/audit-logs?actorId=seeded&limit=100", { token: viewer });
    expect(first.status).toBe(200);
    expect(first.body.totalCount).toBe(100);
    expect(first.body.events.length).toBeLessThan(100);
    expect(first.body).toMatchObject({ truncated: true, nextOffset: first.body.events.length });
    expect(bodyBytes(first.body)).toBeLessThanOrEqual(MAX_PAGE_BYTES + BODY_SLACK);
    const all = await walk(async (offset) => {
      const res = await app.rest("GET", `/api/v1/audit-logs?actorId=seeded&limit=100&offset=${offset}`, { token: viewer });
      return { rows: res.body.events as { id: string }[], nextOffset: res.body.nextOffset };
    });
    expect(new Set(all.map((e) => e.id)).size).toBe(100);
    // tRPC says the same.
    const trpc = await app.caller(viewer).audit.list({ actorId: "seeded", limit: 100 });
    expect({ length: trpc.events.length, nextOffset: trpc.nextOffset, truncated: trpc.truncated }).toEqual({
      length: first.body.events.length,
      nextOffset: first.body.nextOffset,
      truncated: true,
    });
  });

  it("identities: list (REST and tRPC) and search over identities with planted metadata", async () => {
    for (let i = 0; i < 25; i++) {
      const res = await app.rest("POST", "/api/v1/identities", {
        token: member,
        body: { name: `planted-${String(i).padStart(2, "0")}`, organizationId: orgId, role: "viewer", metadata: plantedMetadata },
      });
      expect(res.status).toBe(200);
    }
    const list = await app.rest("GET", `/api/v1/identities?orgId=${orgId}&limit=100`, { token: viewer });
    expect(list.status).toBe(200);
    expect(list.body.totalCount).toBe(26); // and the bootstrap's admin identity
    expect(list.body.identities.length).toBeLessThan(26);
    expect(list.body).toMatchObject({ truncated: true, nextOffset: list.body.identities.length });
    expect(bodyBytes(list.body)).toBeLessThanOrEqual(MAX_PAGE_BYTES + BODY_SLACK);
    const listed = await walk(async (offset) => {
      const res = await app.rest("GET", `/api/v1/identities?orgId=${orgId}&limit=100&offset=${offset}`, { token: viewer });
      return { rows: res.body.identities as { identity: { id: string } }[], nextOffset: res.body.nextOffset };
    });
    expect(new Set(listed.map((m) => m.identity.id)).size).toBe(26);

    const searched = await walk(async (offset) => {
      const res = await app.rest("POST", "/api/v1/identities/search", {
        token: viewer,
        body: { organizationId: orgId, search: { name: { $contains: "planted" } }, limit: 100, offset },
      });
      expect(bodyBytes(res.body)).toBeLessThanOrEqual(MAX_PAGE_BYTES + BODY_SLACK);
      return { rows: res.body.identities as { identity: { name: string } }[], nextOffset: res.body.nextOffset };
    });
    expect(searched.map((m) => m.identity.name)).toEqual(Array.from({ length: 25 }, (_, i) => `planted-${String(i).padStart(2, "0")}`));

    const trpc = await app.caller(viewer).identities.list({ organizationId: orgId, limit: 100 });
    expect(trpc.identities.length).toBe(list.body.identities.length);
    expect(trpc.truncated).toBe(true);
  });

  it("identities: a page of small identities is read past its first slice and is whole", async () => {
    for (let i = 0; i < 45; i++) {
      const res = await app.rest("POST", "/api/v1/identities", {
        token: member,
        body: { name: `small-${String(i).padStart(2, "0")}`, organizationId: orgId, role: "viewer" },
      });
      expect(res.status).toBe(200);
    }
    const res = await app.rest("POST", "/api/v1/identities/search", {
      token: viewer,
      body: { organizationId: orgId, search: { name: { $contains: "small" } }, limit: 100 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalCount: 45, truncated: false, nextOffset: null });
    expect(res.body.identities.map((m: { identity: { name: string } }) => m.identity.name)).toEqual(
      Array.from({ length: 45 }, (_, i) => `small-${String(i).padStart(2, "0")}`),
    );
    const page = await app.rest("POST", "/api/v1/identities/search", {
      token: viewer,
      body: { organizationId: orgId, search: { name: { $contains: "small" } }, limit: 30, offset: 10 },
    });
    expect(page.body).toMatchObject({ totalCount: 45, truncated: false, nextOffset: 40 });
    expect(page.body.identities[0].identity.name).toBe("small-10");
    expect(page.body.identities).toHaveLength(30);
  });

  it("tokens: a hundred tokens with long OCI user names come in budgeted pages", async () => {
    const identityId = await app.createIdentity(admin, orgId, "viewer", "many-tokens");
    await app.db.identityAccessToken.createMany({
      data: Array.from({ length: 100 }, () => ({
        identityId,
        authMethod: "oci-auth",
        accessTokenTTL: 3600,
        accessTokenMaxTTL: 7200,
        ociUsername: "u".repeat(20_000),
      })),
    });
    const first = await app.caller(viewer).tokens.list({ identityId });
    expect(first.tokens.length).toBeLessThan(100);
    expect(first).toMatchObject({ truncated: true, nextOffset: first.tokens.length });
    expect(bodyBytes(first)).toBeLessThanOrEqual(MAX_PAGE_BYTES + BODY_SLACK);
    const all = await walk(async (offset) => {
      const page = await app.caller(viewer).tokens.list({ identityId, offset });
      return { rows: page.tokens, nextOffset: page.nextOffset };
    });
    expect(new Set(all.map((t) => t.id)).size).toBe(100);
  });

  it("users: pages of at most MAX_LISTED_USERS, with where the next one starts", async () => {
    const org = await app.db.organization.create({ data: { name: "Crowded", slug: "crowded" } });
    await app.database.execute(
      `WITH new_users AS (
         INSERT INTO users (id, email, "passwordHash", "updatedAt")
         SELECT gen_random_uuid(), 'user-' || n || '@crowded.example', 'x', now() FROM generate_series(1, $2::int) AS n
         RETURNING id)
       INSERT INTO org_memberships (id, "orgId", "userId", role) SELECT gen_random_uuid(), $1::uuid, id, 'viewer' FROM new_users`,
      [org.id, MAX_LISTED_USERS + 5],
    );
    const crowdedAdmin = (await userToken(app, org.id, "admin")).token;
    const path = `/api/v1/organizations/${org.id}/users`;
    const first = await app.rest("GET", path, { token: crowdedAdmin });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ nextOffset: MAX_LISTED_USERS, truncated: false });
    expect(first.body.users).toHaveLength(MAX_LISTED_USERS);
    const rest = await app.rest("GET", `${path}?offset=${MAX_LISTED_USERS}`, { token: crowdedAdmin });
    expect(rest.body).toMatchObject({ nextOffset: null, truncated: false });
    expect(rest.body.users).toHaveLength(6);
    const ids = new Set([...first.body.users, ...rest.body.users].map((u: { id: string }) => u.id));
    expect(ids.size).toBe(MAX_LISTED_USERS + 6);
    expect((await app.rest("GET", `${path}?offset=-1`, { token: crowdedAdmin })).status).toBe(422);
  });
});
