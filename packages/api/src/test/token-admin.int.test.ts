import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityToken, UNKNOWN_ID, userToken } from "./expect-helpers";
import { createTestApp, type TestApp, TENANCY } from "./harness";

/** An OCI-auth token row as a workload login makes it (the login itself is covered by oci-login tests). */
async function ociToken(app: TestApp, identityId: string, extra: { expiresAt?: Date | null; uses?: number; limit?: number } = {}) {
  return app.db.identityAccessToken.create({
    data: {
      identityId,
      authMethod: "oci-auth",
      accessTokenTTL: 3600,
      accessTokenMaxTTL: 7200,
      accessTokenNumUses: extra.uses ?? 0,
      accessTokenNumUsesLimit: extra.limit ?? 0,
      expiresAt: extra.expiresAt === undefined ? new Date(Date.now() + 3600_000) : extra.expiresAt,
    },
  });
}

async function rejection(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("tokens.list / tokens.revokeById (operator token administration)", () => {
  let app: TestApp;
  let adminToken: string;
  let adminIdentityId: string;
  let orgId: string;
  let identityId: string;
  let viewer: string;
  let member: { token: string; userId: string };

  beforeAll(async () => {
    app = await createTestApp();
    ({ adminToken, adminIdentityId, orgId } = await app.bootstrap());
    viewer = (await userToken(app, orgId, "viewer")).token;
    member = await userToken(app, orgId, "member");
    identityId = await app.createIdentity(adminToken, orgId, "member", "tokens");
    const attach = await app.rest("POST", `/api/v1/auth/oci-auth/identities/${identityId}`, {
      token: adminToken,
      body: { tenancyOcid: TENANCY, accessTokenTrustedIps: [{ ipAddress: "10.0.0.0/8" }, { ipAddress: "2001:db8::1" }] },
    });
    expect(attach.status).toBe(200);
  });
  afterAll(() => app.close());

  it("lists an identity's tokens newest first with status, uses and the identity's current trusted IPs", async () => {
    const expired = await ociToken(app, identityId, { expiresAt: new Date(Date.now() - 1000) });
    const exhausted = await ociToken(app, identityId, { uses: 3, limit: 3 });
    const active = await ociToken(app, identityId, { uses: 1, limit: 5 });
    const { tokens } = await app.caller(viewer).tokens.list({ identityId });
    expect(tokens.map((t) => t.id)).toEqual([active.id, exhausted.id, expired.id]);
    expect(tokens.map((t) => t.status)).toEqual(["active", "exhausted", "expired"]);
    expect(tokens[0]).toMatchObject({
      identityId,
      authMethod: "oci-auth",
      accessTokenNumUses: 1,
      accessTokenNumUsesLimit: 5,
      accessTokenTTL: 3600,
      accessTokenMaxTTL: 7200,
      revokedAt: null,
      lastUsedAt: null,
      trustedIps: [
        { ipAddress: "10.0.0.0", type: "ipv4", prefix: 8 },
        { ipAddress: "2001:db8::1", type: "ipv6" },
      ],
    });
  });

  it("shows the bootstrap admin token without IP restriction and without expiry", async () => {
    await app.rt.usage.flush(); // uses of tokens without a limit are stored in batches
    const { tokens } = await app.caller(adminToken).tokens.list({ identityId: adminIdentityId });
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ authMethod: "token", expiresAt: null, trustedIps: null, status: "active" });
    expect(tokens[0]!.accessTokenNumUses).toBeGreaterThan(0); // the bootstrap above used it
  });

  it("revokes one token by id (member), records the audit event, and the token stops working", async () => {
    const victim = await identityToken(app, identityId); // a usable token of this identity
    const row = (await app.caller(viewer).tokens.list({ identityId })).tokens.find((t) => t.authMethod === "token")!;
    expect((await app.rest("GET", `/api/v1/identities/${identityId}`, { token: victim })).status).toBe(200);

    const { token } = await app.caller(member.token).tokens.revokeById({ tokenId: row.id });
    expect(token).toMatchObject({ id: row.id, status: "revoked" });
    expect(token.revokedAt).not.toBeNull();

    const event = await app.db.auditEvent.findFirst({
      where: { eventType: "revoke-identity-access-token" },
      orderBy: { createdAt: "desc" },
    });
    expect(event).toMatchObject({ orgId, actorType: "user", actorId: member.userId });
    expect(event?.metadata).toEqual({ identityId, identityAccessTokenId: row.id, authMethod: "token" });

    const after = await app.rest("GET", `/api/v1/identities/${identityId}`, { token: victim });
    expect(after.status).toBe(401);

    const again = await rejection(app.caller(member.token).tokens.revokeById({ tokenId: row.id }));
    expect(again).toMatchObject({ code: "BAD_REQUEST", message: "The access token has already been revoked" });
  });

  it("needs edit rights and stays within the permission boundary", async () => {
    const target = await ociToken(app, identityId);
    const denied = await rejection(app.caller(viewer).tokens.revokeById({ tokenId: target.id }));
    expect(denied.code).toBe("FORBIDDEN");
    const adminRow = (await app.caller(adminToken).tokens.list({ identityId: adminIdentityId })).tokens[0]!;
    const boundary = await rejection(app.caller(member.token).tokens.revokeById({ tokenId: adminRow.id }));
    expect(boundary.code).toBe("FORBIDDEN");
    expect((await app.db.identityAccessToken.findUniqueOrThrow({ where: { id: target.id } })).revokedAt).toBeNull();
  });

  it("hides other organizations' identities and tokens (404), and unknown tokens", async () => {
    const other = await app.otherOrganization();
    const foreignIdentity = await app.createIdentity(other.token, other.orgId, "member", "foreign");
    const foreignToken = await ociToken(app, foreignIdentity);
    const list = await rejection(app.caller(adminToken).tokens.list({ identityId: foreignIdentity }));
    expect(list.code).toBe("NOT_FOUND");
    const revoke = await rejection(app.caller(adminToken).tokens.revokeById({ tokenId: foreignToken.id }));
    expect(revoke).toMatchObject({ code: "NOT_FOUND", message: `Failed to find access token with ID ${foreignToken.id}` });
    const unknown = await rejection(app.caller(adminToken).tokens.revokeById({ tokenId: UNKNOWN_ID }));
    expect(unknown).toMatchObject({ code: "NOT_FOUND", message: `Failed to find access token with ID ${UNKNOWN_ID}` });
    expect((await app.db.identityAccessToken.findUniqueOrThrow({ where: { id: foreignToken.id } })).revokedAt).toBeNull();
  });

  it("needs a session", async () => {
    const error = await rejection(app.caller().tokens.list({ identityId }));
    expect(error).toMatchObject({ code: "UNAUTHORIZED", message: "Token missing" });
  });
});
