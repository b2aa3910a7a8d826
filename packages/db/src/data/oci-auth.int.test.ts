import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../client";
import { createTestDatabase } from "../testing";
import { findTokenAuthContext } from "./access-tokens";
import { findIdentityWithOciAuth } from "./identities";
import { findOciAuth, insertOciAuth, parseStoredTrustedIps, updateOciAuth } from "./oci-auth";

const IPS = [
  { ipAddress: "10.0.0.0", type: "ipv4" as const, prefix: 8 },
  { ipAddress: "::1", type: "ipv6" as const },
];

describe("parseStoredTrustedIps", () => {
  it("returns typed entries, from JSON values and from JSON text (raw SQL)", () => {
    expect(parseStoredTrustedIps(IPS)).toEqual(IPS);
    expect(parseStoredTrustedIps(JSON.stringify(IPS))).toEqual(IPS);
    expect(parseStoredTrustedIps([])).toEqual([]);
  });

  it.each([null, {}, [null], [{ ipAddress: "1.2.3.4" }], [{ ipAddress: "1.2.3.4", type: "ipv5" }], [{ ipAddress: 1, type: "ipv4" }]])(
    "refuses %j",
    (value) => {
      expect(() => parseStoredTrustedIps(value)).toThrow(TypeError);
    },
  );
});

describe.each(["pglite", "postgres"] as const)("OCI auth rows on %s", (kind) => {
  let db: Database;
  let identityId: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const orgId = (await db.prisma.organization.create({ data: { name: "o", slug: `o-${randomUUID()}` } })).id;
    identityId = (await db.prisma.identity.create({ data: { orgId, name: "w", role: "member" } })).id;
  });
  afterAll(() => db.close());

  it("come back with their trusted IPs parsed, from every data function that reads them", async () => {
    const values = {
      tenancyOcid: "ocid1.tenancy.oc1..x",
      allowedUsernames: null,
      accessTokenTTL: 60,
      accessTokenMaxTTL: 60,
      accessTokenNumUsesLimit: 0,
      accessTokenTrustedIps: IPS,
      allowedPrincipalTypes: null,
      allowedCompartmentOcids: null,
      allowedPrincipalOcids: null,
      allowedRegions: null,
    };
    expect((await insertOciAuth(db.prisma, identityId, values)).accessTokenTrustedIps).toEqual(IPS);
    expect((await findOciAuth(db.prisma, identityId))?.accessTokenTrustedIps).toEqual(IPS);
    expect((await findIdentityWithOciAuth(db.prisma, identityId))?.ociAuth?.accessTokenTrustedIps).toEqual(IPS);
    const token = await db.prisma.identityAccessToken.create({
      data: { identityId, authMethod: "oci-auth", accessTokenTTL: 60, accessTokenMaxTTL: 60 },
    });
    expect((await findTokenAuthContext(db.prisma, token.id))?.identity.ociAuth?.accessTokenTrustedIps).toEqual(IPS);
    const narrowed = [IPS[0]!];
    expect((await updateOciAuth(db.prisma, identityId, { accessTokenTrustedIps: narrowed }))?.accessTokenTrustedIps).toEqual(narrowed);
  });
});
