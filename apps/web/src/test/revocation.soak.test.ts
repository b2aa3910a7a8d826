import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, startCluster } from "./cluster";

/** The documented bound: a revocation holds on every instance within 1 second of its commit. */
const BOUND_MS = 1000;
const RUN_MS = Number(process.env.SOAK_SECONDS ?? 60) * 1000;
const USE_LIMIT = 5;

interface Check {
  token: string;
  instance: number;
  startedAt: number;
  status: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * A bounded run over three instances on one PostgreSQL: tokens are issued and revoked, identities
 * demoted, use-limited tokens spent from every instance at once and the change feeds stalled
 * twice, while readers hammer every token on every instance. Afterwards: nothing revoked or
 * demoted was served after the bound, and no use-limited token served more than its limit.
 */
describe("revocations, demotions and use limits across three instances (soak)", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ instances: 3, users: 24 });
  }, 240_000);
  afterAll(() => cluster?.close());

  it(
    `serves nothing revoked after ${BOUND_MS} ms during a ${RUN_MS / 1000} s run`,
    async () => {
      const identities = [] as { identityId: string }[];
      for (let i = 0; i < 4; i++) identities.push({ identityId: (await cluster.identityWithToken(i % 3)).identityId });
      const live: { token: string; identityId: string }[] = [];
      const revokedAt = new Map<string, number>(); // token → when its revoke answered
      const demotedAt = new Map<string, number>(); // identity → when its demotion answered
      const tokenIdentity = new Map<string, string>();
      const reads: Check[] = [];
      const creates: (Check & { identityId: string })[] = [];
      const limited: { allowed: number; attempts: number }[] = [];
      const stalls: number[] = [];
      const deadline = Date.now() + RUN_MS;
      const running = () => Date.now() < deadline;

      const issue = async () => {
        const identityId = pick(identities).identityId;
        if (demotedAt.has(identityId)) return;
        const res = await cluster.login(Math.floor(Math.random() * 3), identityId);
        if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
        live.push({ token: res.body.accessToken, identityId });
        tokenIdentity.set(res.body.accessToken, identityId);
      };

      const issuer = async () => {
        while (running()) {
          await issue();
          // Tokens of demoted identities stay valid: the creator keeps trying them, so every run
          // shows the demotion holding on every instance (not only the runs where one survived).
          const revocable = live.filter((t) => !demotedAt.has(t.identityId));
          if (revocable.length > 6) {
            const victim = pick(revocable);
            live.splice(live.indexOf(victim), 1);
            const res = await cluster.api(Math.floor(Math.random() * 3), "POST", "/api/v1/auth/token/revoke", {
              body: { accessToken: victim.token },
            });
            if (res.status === 200) revokedAt.set(victim.token, Date.now());
          }
          await sleep(150);
        }
      };

      const reader = async () => {
        while (running()) {
          const all = [...tokenIdentity.keys()];
          if (all.length === 0) {
            await sleep(50);
            continue;
          }
          const token = pick(all);
          const instance = Math.floor(Math.random() * 3);
          const startedAt = Date.now();
          const res = await cluster.api(instance, "GET", `/api/v1/identities/${tokenIdentity.get(token)}`, { token });
          reads.push({ token, instance, startedAt, status: res.status });
        }
      };

      const demoter = async () => {
        await sleep(RUN_MS / 4);
        for (const { identityId } of identities.slice(0, 2)) {
          if (!running()) break;
          // A token of its own outside the issuer's revocable pool, so the creator always has one
          // to try after the demotion (else a run whose tokens were all revoked shows nothing).
          const login = await cluster.login(Math.floor(Math.random() * 3), identityId);
          if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
          tokenIdentity.set(login.body.accessToken, identityId);
          const res = await cluster.api(Math.floor(Math.random() * 3), "PATCH", `/api/v1/identities/${identityId}`, {
            token: cluster.adminToken,
            body: { role: "viewer" },
          });
          expect(res.status).toBe(200);
          demotedAt.set(identityId, Date.now());
          await sleep(RUN_MS / 4);
        }
      };

      const creator = async () => {
        while (running()) {
          const candidates = [...tokenIdentity.entries()].filter(([token]) => !revokedAt.has(token));
          if (candidates.length > 0) {
            const [token, identityId] = pick(candidates);
            const instance = Math.floor(Math.random() * 3);
            const startedAt = Date.now();
            const res = await cluster.api(instance, "POST", "/api/v1/identities", {
              token,
              body: { name: `soak-${Math.random().toString(36).slice(2, 8)}`, organizationId: cluster.orgId, role: "no-access" },
            });
            creates.push({ token, instance, startedAt, status: res.status, identityId });
          }
          await sleep(100);
        }
      };

      const spender = async () => {
        const { identityId, token: first } = await cluster.identityWithToken(0, { accessTokenNumUsesLimit: USE_LIMIT });
        let token = first;
        while (running()) {
          const attempts = 12;
          const statuses = await Promise.all(
            Array.from({ length: attempts }, (_, i) =>
              cluster.api(i % 3, "GET", `/api/v1/identities/${identityId}`, { token }).then((r) => r.status),
            ),
          );
          limited.push({ allowed: statuses.filter((s) => s === 200).length, attempts });
          const next = await cluster.login(0, identityId);
          token = next.body.accessToken;
          await sleep(500);
        }
      };

      const staller = async () => {
        for (const at of [0.35, 0.7]) {
          await sleep(Math.max(0, deadline - RUN_MS * (1 - at) - Date.now()));
          if (!running()) break;
          const rows = await cluster.sql<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'ociauth-change-feed'",
          );
          for (const { pid } of rows) process.kill(pid, "SIGSTOP");
          stalls.push(rows.length);
          await sleep(2500);
          for (const { pid } of rows) {
            try {
              process.kill(pid, "SIGCONT");
            } catch {
              // replaced and gone
            }
          }
        }
      };

      await Promise.all([issuer(), reader(), reader(), reader(), reader(), demoter(), creator(), spender(), staller()]);

      const servedAfterRevoke = reads.filter((r) => {
        const at = revokedAt.get(r.token);
        return at !== undefined && r.startedAt > at + BOUND_MS && r.status === 200;
      });
      const checkedAfterRevoke = reads.filter((r) => {
        const at = revokedAt.get(r.token);
        return at !== undefined && r.startedAt > at + BOUND_MS;
      });
      const createdAfterDemotion = creates.filter((c) => {
        const at = demotedAt.get(c.identityId);
        return at !== undefined && c.startedAt > at + BOUND_MS && c.status === 200;
      });
      console.log(
        "soak:",
        JSON.stringify({
          seconds: RUN_MS / 1000,
          reads: reads.length,
          revokedTokens: revokedAt.size,
          readsOfRevokedAfterBound: checkedAfterRevoke.length,
          servedAfterRevoke: servedAfterRevoke.length,
          creates: creates.length,
          demoted: demotedAt.size,
          createdAfterDemotion: createdAfterDemotion.length,
          useLimitRounds: limited.length,
          feedStalls: stalls,
          statuses: Object.fromEntries(
            [...new Set(reads.map((r) => r.status))].map((s) => [s, reads.filter((r) => r.status === s).length]),
          ),
        }),
      );

      expect(servedAfterRevoke).toEqual([]);
      expect(createdAfterDemotion).toEqual([]);
      for (const round of limited) expect(round.allowed).toBe(USE_LIMIT);
      // The run really exercised what it claims.
      expect(revokedAt.size).toBeGreaterThan(RUN_MS / 2000);
      expect(checkedAfterRevoke.length).toBeGreaterThan(50);
      expect(demotedAt.size).toBe(2);
      expect(
        creates.filter((c) => demotedAt.has(c.identityId) && c.startedAt > demotedAt.get(c.identityId)! + BOUND_MS).length,
      ).toBeGreaterThan(0);
      expect(limited.length).toBeGreaterThan(3);
      expect(stalls).toEqual([3, 3]);
      expect(reads.filter((r) => r.status >= 500)).toEqual([]);
    },
    RUN_MS + 120_000,
  );
});
