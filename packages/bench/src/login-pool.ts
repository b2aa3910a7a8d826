// Pre-signed OCI logins for the user-key login scenarios (c), (c1) and (c16). The service lets
// each signed header set log in once and accepts a signed date within ±5 minutes of its clock; one
// RSA key signs the same request identically within one second. So every login needs its own
// (key, second) pair: the bench user gets extra API keys, and a pool of header sets over keys ×
// seconds is signed before the load starts (client-side RSA signing does not compete with the
// server while it is measured).
import { signGetUserGoStyle, signGetUserWithOciCommon } from "@ociauth/oci-stand-in";
import { type BenchOptions, OBSERVABILITY_VARIANTS } from "./args.js";
import { type OciKey, type OciUser } from "./seed.js";

/** The accepted distance between the signed date and the server's clock (the service's and OCI's). */
export const DATE_WINDOW_SECONDS = 300;
/** Every pooled second stays at least this far inside the window for the whole run. */
const EDGE_MARGIN_SECONDS = 30;
/** The newest pooled second, ahead of the clock when signing starts. */
const NEWEST_AHEAD_SECONDS = 240;
/** Pre-signing must finish within this: the oldest pooled second is chosen to last until the run's end counting it. */
export const PRESIGN_BUDGET_SECONDS = 60;
/** Too few distinct seconds left once warm-up + duration are accounted for. */
const MIN_WINDOW_SECONDS = 60;

/**
 * A generous estimate of logins per second: per connection, and in all. About twice the best
 * measured on the reference machine (c1 ≈ 300/s, c ≈ 580/s at 64 connections, PostgreSQL).
 */
export const LOGIN_RATE_PER_CONNECTION = 600;
export const LOGIN_RATE_TOTAL = 1_200;
/** At most this many header sets per scenario (~1.2 ms of signing each). */
export const MAX_POOL_SIZE = 20_000;

/** Header sets for one run of `seconds` (warm-up included) at `connections`, plus the sanity login. */
export function loginPoolSize(connections: number, seconds: number): number {
  const rate = Math.min(connections * LOGIN_RATE_PER_CONNECTION, LOGIN_RATE_TOTAL);
  return Math.min(MAX_POOL_SIZE, Math.ceil(rate * seconds) + 1);
}

/**
 * The signed seconds usable by a run of `runSeconds` (warm-up + measurement) whose pre-signing
 * starts at `nowSec`: the newest is 240 s ahead, the oldest still ≥ 30 s inside the window when
 * the run ends, pre-signing budget included.
 */
export function signingWindow(runSeconds: number, nowSec = Math.floor(Date.now() / 1000)): { from: number; to: number } {
  const from = Math.ceil(nowSec + PRESIGN_BUDGET_SECONDS + runSeconds - (DATE_WINDOW_SECONDS - EDGE_MARGIN_SECONDS));
  const to = nowSec + NEWEST_AHEAD_SECONDS;
  if (to - from + 1 < MIN_WINDOW_SECONDS) {
    const most = NEWEST_AHEAD_SECONDS + DATE_WINDOW_SECONDS - EDGE_MARGIN_SECONDS - PRESIGN_BUDGET_SECONDS - MIN_WINDOW_SECONDS + 1;
    throw new Error(
      `scenarios (c)/(c1)/(c16) sign their logins ahead inside the ±${DATE_WINDOW_SECONDS / 60}-minute date window: --warmup + --duration must be at most ${most} s, not ${runSeconds}`,
    );
  }
  return { from, to };
}

/**
 * The user-key login scenarios: (c) at `--connections`, (c1) at 1 and (c16) at 16 (like
 * (p1)/(p16)), signed by oci-common; (g16) at 16 signed as Infisical's Go SDK signs (beside (c16)).
 */
export const USER_KEY_LOGIN_SCENARIOS = ["c", "c1", "c16", "g16"] as const;
export type UserKeyLoginScenario = (typeof USER_KEY_LOGIN_SCENARIOS)[number];

export function userKeyLoginConnections(id: UserKeyLoginScenario, options: Pick<BenchOptions, "connections">): number {
  return id === "c" ? options.connections : id === "c1" ? 1 : 16;
}

/**
 * How a scenario's logins are signed: by oci-common (`x-date`, its header order), or as the Go
 * SDK's OciAuthLogin sends them (`date (request-target) host`, header names lowercased).
 */
export type LoginSigner = "oci-common" | "go-sdk";
export const userKeyLoginSigner = (id: UserKeyLoginScenario): LoginSigner => (id === "g16" ? "go-sdk" : "oci-common");

/**
 * The principal login scenarios, each compared with the user-key login at the same connections:
 * alternating with user-key logins in its own window, and with (c1)/(c16) run alone.
 */
export const PRINCIPAL_LOGIN_SCENARIOS = [
  { id: "p1", connections: 1, userKey: "c1" },
  { id: "p16", connections: 16, userKey: "c16" },
] as const;

/**
 * How many extra API keys the bench user needs so that the user-key login scenarios on one
 * database (and the principal ones, for the user-key logins they alternate with) get their pools
 * from distinct (key, second) pairs (0 when none runs). Throws on a run too long for the date window.
 */
export function loginPoolKeyCount(options: BenchOptions): number {
  const runs = [
    ...USER_KEY_LOGIN_SCENARIOS.filter((id) => options.scenarios.includes(id)).map((id) => userKeyLoginConnections(id, options)),
    // (p1)/(p16) alternate their principal logins with user-key logins (login-scenarios.ts).
    ...PRINCIPAL_LOGIN_SCENARIOS.filter((p) => options.scenarios.includes(p.id)).map((p) => p.connections),
    // The observability comparison logs in at 16 connections once per app start.
    ...(options.observability ? OBSERVABILITY_VARIANTS.map(() => 16) : []),
  ];
  if (runs.length === 0) return 0;
  const runSeconds = options.warmupSec + options.durationSec;
  const { from, to } = signingWindow(runSeconds, 0);
  const pairs = runs.reduce((sum, connections) => sum + loginPoolSize(connections, runSeconds), 0);
  return Math.ceil(pairs / (to - from + 1));
}

/**
 * The (key, second) pairs already signed for one database. The replay memory is that database's
 * (`oci_login_signatures`); every run uses a fresh database, so one tracker per database.
 */
export class SigningPairs {
  private readonly used = new Set<string>();
  constructor(readonly keys: readonly OciKey[]) {}

  /**
   * Up to `count` unused pairs with seconds in [from, to]: each key over all the seconds before
   * the next key (spread over the window, as few keys as needed), ordered by second.
   */
  take(count: number, from: number, to: number): { key: OciKey; second: number }[] {
    const out: { key: OciKey; second: number }[] = [];
    for (let k = 0; k < this.keys.length && out.length < count; k++) {
      for (let second = from; second <= to && out.length < count; second++) {
        const id = `${k}:${second}`;
        if (this.used.has(id)) continue;
        this.used.add(id);
        out.push({ key: this.keys[k]!, second });
      }
    }
    return out.sort((x, y) => x.second - y.second);
  }
}

/** Pre-serialised login bodies, each used once, in order. */
export class LoginPool {
  private next = 0;
  constructor(
    private readonly bodies: readonly string[],
    /** The size wanted (fewer when the keys ran out of unused pairs, or the challenges' time). */
    readonly planned: number,
    /** What else to report about how the pool was made (keys, signing time …). */
    readonly made: Record<string, number> = {},
  ) {}
  get size(): number {
    return this.bodies.length;
  }
  get used(): number {
    return this.next;
  }
  /** The next unused body, or undefined once the pool is used up. */
  take(): string | undefined {
    return this.next < this.bodies.length ? this.bodies[this.next++] : undefined;
  }
}

/**
 * Signs `count` login bodies for `identityId`, each over its own (key, second) pair, and logs
 * progress. Throws if signing outlasts its budget (the oldest sets would go stale during the run).
 */
export async function presignLogins(
  user: OciUser,
  identityId: string,
  pairs: SigningPairs,
  count: number,
  runSeconds: number,
  log: (line: string) => void,
  signer: LoginSigner = "oci-common",
): Promise<LoginPool> {
  const started = Date.now();
  const window = signingWindow(runSeconds, Math.floor(started / 1000));
  const chosen = pairs.take(count, window.from, window.to);
  const keys = new Set(chosen.map((p) => p.key.fingerprint)).size;
  const now = Math.floor(started / 1000);
  const rel = (second: number) => `now${second >= now ? "+" : ""}${second - now} s`;
  log(
    `    pre-signing ${chosen.length} login header sets (${keys} key${keys === 1 ? "" : "s"} × seconds ${rel(window.from)} … ${rel(window.to)})${chosen.length < count ? `, ${count} wanted: no more unused (key, second) pairs` : ""} …`,
  );
  const bodies: string[] = [];
  let lastReport = started;
  for (const { key, second } of chosen) {
    const input = {
      tenancyOcid: user.tenancyOcid,
      userOcid: user.userOcid,
      fingerprint: key.fingerprint,
      privateKeyPem: key.privateKeyPem,
      date: new Date(second * 1000),
    };
    let headers: Record<string, string>;
    if (signer === "go-sdk") headers = signGetUserGoStyle(input);
    else {
      const signed = await signGetUserWithOciCommon(input);
      headers = { authorization: signed.authorization, host: signed.host, "x-date": signed["x-date"] };
    }
    bodies.push(JSON.stringify({ identityId, userOcid: user.userOcid, headers }));
    if (Date.now() - lastReport >= 2_000) {
      lastReport = Date.now();
      log(`    … ${bodies.length} / ${chosen.length} signed (${((lastReport - started) / 1000).toFixed(1)} s)`);
    }
  }
  const tookSec = (Date.now() - started) / 1000;
  log(`    ${bodies.length} header sets signed in ${tookSec.toFixed(1)} s`);
  if (tookSec > PRESIGN_BUDGET_SECONDS) {
    throw new Error(
      `pre-signing took ${tookSec.toFixed(0)} s, more than its ${PRESIGN_BUDGET_SECONDS} s budget: the oldest header sets could leave the date window during the run`,
    );
  }
  return new LoginPool(bodies, count, { keys });
}
