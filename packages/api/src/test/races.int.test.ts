import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, TENANCY } from "./harness";

describe("races on one identity", () => {
  let app: TestApp;
  let token: string;
  let orgId: string;
  const path = (id: string) => `/api/v1/auth/oci-auth/identities/${id}`;

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken: token, orgId } = await app.bootstrap());
  });
  afterAll(() => app.close());

  it("concurrent attach/update/revoke leave one consistent config and a complete audit log", async () => {
    const id = await app.createIdentity(token, orgId);
    type Op = { kind: "attach" | "update" | "revoke"; value: number };
    const ops: Op[] = Array.from({ length: 60 }, (_, i) => ({
      kind: (["attach", "update", "update", "revoke"] as const)[i % 4]!,
      value: 1000 + i,
    }));
    const results = await Promise.all(
      ops.map(async (op) => {
        const res =
          op.kind === "attach"
            ? await app.rest("POST", path(id), {
                token,
                body: { tenancyOcid: TENANCY, accessTokenTTL: op.value, accessTokenNumUsesLimit: op.value },
              })
            : op.kind === "update"
              ? await app.rest("PATCH", path(id), { token, body: { accessTokenTTL: op.value, accessTokenNumUsesLimit: op.value } })
              : await app.rest("DELETE", path(id), { token });
        return { op, status: res.status, body: res.body };
      }),
    );
    for (const r of results) expect([200, 400, 404], JSON.stringify(r.body)).toContain(r.status);

    const rows = await app.db.identityOciAuth.findMany({ where: { identityId: id } });
    expect(rows.length).toBeLessThanOrEqual(1);
    const succeeded = (kind: Op["kind"]) => results.filter((r) => r.op.kind === kind && r.status === 200);
    // Attaches and revokes alternate: the config exists iff one more attach than revoke succeeded.
    expect(succeeded("attach").length - succeeded("revoke").length).toBe(rows.length);

    // No torn or lost write: the stored row is exactly one acknowledged write's values.
    if (rows[0]) {
      expect(rows[0].accessTokenTTL).toBe(rows[0].accessTokenNumUsesLimit);
      const acknowledged = [...succeeded("attach"), ...succeeded("update")].map((r) => r.op.value);
      expect(acknowledged).toContain(rows[0].accessTokenTTL);
    }

    // The audit log has exactly one event per acknowledged change.
    const events = await app.db.auditEvent.groupBy({
      by: ["eventType"],
      where: { metadata: { path: ["identityId"], equals: id } },
      _count: true,
    });
    const count = (type: string) => events.find((e) => e.eventType === type)?._count ?? 0;
    expect(count("add-identity-oci-auth")).toBe(succeeded("attach").length);
    expect(count("update-identity-oci-auth")).toBe(succeeded("update").length);
    expect(count("revoke-identity-oci-auth")).toBe(succeeded("revoke").length);
  });

  it("deleting an identity while its config is changed leaves no orphan rows", async () => {
    const id = await app.createIdentity(token, orgId);
    await app.rest("POST", path(id), { token, body: { tenancyOcid: TENANCY } });
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => app.rest("PATCH", path(id), { token, body: { accessTokenTTL: i + 1 } })),
      app.rest("DELETE", `/api/v1/identities/${id}`, { token }),
      ...Array.from({ length: 10 }, () => app.rest("POST", path(id), { token, body: { tenancyOcid: TENANCY } })),
    ]);
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
    expect(await app.db.identity.count({ where: { id } })).toBe(0);
    expect(await app.db.identityOciAuth.count({ where: { identityId: id } })).toBe(0);
    expect(await app.db.auditEvent.count({ where: { eventType: "delete-identity", metadata: { path: ["identityId"], equals: id } } })).toBe(
      1,
    );
  });

  it("a token limited to 10 uses admits exactly 10 of 40 concurrent requests", async () => {
    const id = await app.createIdentity(token, orgId, "viewer");
    await app.rest("POST", path(id), { token, body: { tenancyOcid: TENANCY } });
    const row = await app.db.identityAccessToken.create({
      data: {
        identityId: id,
        authMethod: "oci-auth",
        accessTokenTTL: 600,
        accessTokenMaxTTL: 600,
        accessTokenNumUsesLimit: 10,
        expiresAt: new Date(Date.now() + 600_000),
      },
    });
    const limited = await app.rt.tokens.sign(
      { authTokenType: "identityAccessToken", identityId: id, orgId, authMethod: "oci-auth", jti: row.id },
      row.expiresAt,
    );
    const results = await Promise.all(Array.from({ length: 40 }, () => app.rest("GET", path(id), { token: limited })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status === 401)).toHaveLength(30);
    expect((await app.db.identityAccessToken.findUnique({ where: { id: row.id } }))?.accessTokenNumUses).toBe(10);
  });
});
