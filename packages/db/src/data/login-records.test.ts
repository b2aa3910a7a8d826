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
    expect(await rememberLoginSignature(db.execute, "s1", forgetAfter)).toBe(true);
    expect(await rememberLoginSignature(db.execute, "s1", forgetAfter)).toBe(false);
    await forgetLoginSignature(db.execute, "s1");
    expect(await rememberLoginSignature(db.execute, "s1", forgetAfter)).toBe(true);
    expect(await pruneLoginSignatures(db.execute, new Date())).toBe(0);
    expect(await pruneLoginSignatures(db.execute, new Date(Date.now() + 120_000))).toBe(1);
    expect(await rememberLoginSignature(db.execute, "s1", forgetAfter)).toBe(true);
  });
});
