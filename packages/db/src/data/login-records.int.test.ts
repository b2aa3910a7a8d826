import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../client";
import { createTestDatabase } from "../testing";
import { consumeLoginChallenge, insertLoginChallenge, pruneLoginChallenges, releaseLoginChallenge } from "./login-challenges";
import { forgetLoginSignature, pruneLoginSignatures, rememberLoginSignature } from "./login-signatures";

// The logins' single-use records, written on the driver directly: the same answers from pg and PGlite.
describe.each(["pglite", "postgres"] as const)("login challenges and signatures on %s", (kind) => {
  let db: Database;
  let identityA: string;
  let identityB: string;
  const inFiveMinutes = () => new Date(Date.now() + 300_000);
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const org = await db.prisma.organization.create({ data: { name: "o", slug: `o-${randomUUID()}` } });
    const make = async (name: string) => (await db.prisma.identity.create({ data: { orgId: org.id, name, role: "member" } })).id;
    identityA = await make("a");
    identityB = await make("b");
  });
  afterAll(() => db.close());

  it("a challenge is consumed once, by its own identity, before it expires", async () => {
    await insertLoginChallenge(db.execute, "c1", identityA, inFiveMinutes());
    expect(await consumeLoginChallenge(db.execute, "c1", identityB, new Date())).toEqual({ ok: false, problem: "other_identity" });
    expect(await consumeLoginChallenge(db.execute, "c1", identityA, new Date())).toEqual({ ok: true });
    expect(await consumeLoginChallenge(db.execute, "c1", identityA, new Date())).toEqual({ ok: false, problem: "reused" });
    expect(await consumeLoginChallenge(db.execute, "nope", identityA, new Date())).toEqual({ ok: false, problem: "unknown" });
    await insertLoginChallenge(db.execute, "c2", identityA, new Date(Date.now() + 1000));
    expect(await consumeLoginChallenge(db.execute, "c2", identityA, new Date(Date.now() + 2000))).toEqual({
      ok: false,
      problem: "expired",
    });
  });

  it("of concurrent consumers exactly one wins; a released challenge can be consumed again", async () => {
    await insertLoginChallenge(db.execute, "race", identityA, inFiveMinutes());
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeLoginChallenge(db.execute, "race", identityA, new Date())));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    await releaseLoginChallenge(db.execute, "race");
    expect(await consumeLoginChallenge(db.execute, "race", identityA, new Date())).toEqual({ ok: true });
  });

  it("prunes challenges that expired before the cut-off and counts them", async () => {
    await insertLoginChallenge(db.execute, "old1", identityA, new Date(Date.now() - 2 * 3600_000));
    await insertLoginChallenge(db.execute, "old2", identityB, new Date(Date.now() - 2 * 3600_000));
    expect(await pruneLoginChallenges(db.execute, new Date(Date.now() - 3600_000))).toBe(2);
    expect(await consumeLoginChallenge(db.execute, "old1", identityA, new Date())).toEqual({ ok: false, problem: "unknown" });
    expect(await db.prisma.ociLoginChallenge.count({ where: { challengeHash: "c1" } })).toBe(1);
  });

  it("a signature is remembered once; forgotten, it may be remembered again; pruned after its window", async () => {
    const forgetAfter = new Date(Date.now() + 60_000);
    expect(await rememberLoginSignature(db.execute, "s1", forgetAfter, null, 2000)).toBe("first");
    expect(await rememberLoginSignature(db.execute, "s1", forgetAfter, null, 2000)).toBe("replayed");
    await forgetLoginSignature(db.execute, "s1");
    expect(await rememberLoginSignature(db.execute, "s1", forgetAfter, null, 2000)).toBe("first");
    expect(await pruneLoginSignatures(db.execute, new Date())).toBe(0);
    expect(await pruneLoginSignatures(db.execute, new Date(Date.now() + 120_000))).toBe(1);
    expect(await rememberLoginSignature(db.execute, "s1", forgetAfter, null, 2000)).toBe("first");
  });

  it("a signature is used again only from its first address within the grace", async () => {
    const forgetAfter = new Date(Date.now() + 60_000);
    expect(await rememberLoginSignature(db.execute, "g1", forgetAfter, "10.0.0.1", 2000)).toBe("first");
    expect(await rememberLoginSignature(db.execute, "g1", forgetAfter, "10.0.0.1", 2000)).toBe("again");
    expect(await rememberLoginSignature(db.execute, "g1", forgetAfter, "10.0.0.2", 2000)).toBe("replayed");
    // Used again, it is no longer forgotten when its first use fails upstream.
    await forgetLoginSignature(db.execute, "g1");
    expect(await rememberLoginSignature(db.execute, "g1", forgetAfter, "10.0.0.2", 2000)).toBe("replayed");
    expect(await rememberLoginSignature(db.execute, "g2", forgetAfter, "10.0.0.1", 50)).toBe("first");
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await rememberLoginSignature(db.execute, "g2", forgetAfter, "10.0.0.1", 50)).toBe("replayed");
  });

  it("of concurrent identical uses from one address all pass the grace, exactly one as the first", async () => {
    const forgetAfter = new Date(Date.now() + 60_000);
    const uses = await Promise.all(
      Array.from({ length: 8 }, () => rememberLoginSignature(db.execute, "c8", forgetAfter, "10.0.0.9", 2000)),
    );
    expect(uses.filter((use) => use === "first")).toHaveLength(1);
    expect(uses.filter((use) => use === "again")).toHaveLength(7);
    const mixed = await Promise.all(
      ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map((ip) => rememberLoginSignature(db.execute, "c3", forgetAfter, ip, 2000)),
    );
    expect(mixed.filter((use) => use === "first")).toHaveLength(1);
    expect(mixed.filter((use) => use === "replayed")).toHaveLength(2);
  });
});
