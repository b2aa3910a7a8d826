// The login scenarios. User-key logins (c)/(c1)/(c16) post header sets signed before the load
// (login-pool.ts); principal logins (p1)/(p16) post a challenge request and a login signed before
// the load (over a challenge fetched then) with oci-common's real instance principal provider,
// alternating with user-key logins so both are timed on the same machine at the same moment.
// All run through one keep-alive loop that collects Server-Timing: our time apart from OCI's.
import { randomBytes } from "node:crypto";
import { instancePrincipalProvider, signAuthenticateClient, signInnerRequest } from "@ociauth/oci-stand-in";
import {
  createJsonPoster,
  parseServerTiming,
  runLoop,
  Samples,
  type JsonPoster,
  type LoadOptions,
  type LoopResult,
  type LoopMeasurement,
  type PostResponse,
} from "./load.js";
import { LoginPool, type LoginSigner, loginPoolSize, presignLogins, PRESIGN_BUDGET_SECONDS, type SigningPairs } from "./login-pool.js";
import { OCI_CHALLENGE_TTL_SECONDS } from "@ociauth/schema";
import { ApiError, type OciUser } from "./seed.js";

const USER_KEY_LOGIN_PATH = "/api/v1/auth/oci-auth/login";
const CHALLENGE_PATH = "/api/v1/auth/oci-auth/challenge";
const PRINCIPAL_LOGIN_PATH = "/api/v1/auth/oci-auth/login/principal";
/** The signed host of the outer authenticateClient request (the app forwards it to OCI_AUTH_ENDPOINT: the stand-in). */
const OCI_AUTH_URL = "https://auth.us-ashburn-1.oraclecloud.com";
/** Sequential signings timed before a principal run: the client-side CPU of one login. */
const SIGNING_CALIBRATION_LOGINS = 50;
/** The label of the user-key logins a principal scenario alternates with. */
const PAIRED = "paired user-key";

/**
 * A login's last response and the parts the client timed; `earlierAppMs`: Server-Timing `app` of
 * the requests before it (the challenge), added to the last response's; `label`: PAIRED for the
 * user-key logins of a principal scenario. Null when nothing is left to send.
 */
type LoginOnce = (
  poster: JsonPoster,
  /** The how-manieth call of its loop this is (from 0). */
  call: number,
) => Promise<(Pick<LoopResult, "partsMs" | "earlierAppMs" | "label"> & { response: PostResponse }) | null>;

type Summary = ReturnType<Samples["summary"]>;

/** Latency and Server-Timing of one kind of login in the window. */
class LoginSamples {
  readonly e2e = new Samples();
  readonly app = new Samples();
  readonly oci = new Samples();
  summary(durationSec: number) {
    return {
      logins: this.e2e.length,
      loginsPerSec: Math.round((this.e2e.length / durationSec) * 10) / 10,
      e2eMs: this.e2e.summary(),
      serverTimingAppMs: this.app.summary(),
      serverTimingOciMs: this.oci.summary(),
    };
  }
}

/**
 * `load.connections` keep-alive loops of `login` (after one login that must answer 200). Collects
 * Server-Timing `app` and `oci` of every response and the client-timed parts of the measured
 * window; logins labelled PAIRED are kept apart (`extra.paired`, and `extra.own` for the rest).
 */
async function timedLogins(
  baseUrl: string,
  load: LoadOptions,
  what: string,
  login: LoginOnce,
  onMeasureStart?: () => void,
): Promise<LoopMeasurement> {
  const poster = createJsonPoster(baseUrl, load.connections);
  const own = new LoginSamples();
  const paired = new LoginSamples();
  // With a challenge: `app` is challenge + login, and each request's own `app` is kept apart too.
  const appPerRequest = { challenge: new Samples(), login: new Samples() };
  const parts = new Map<string, Samples>();
  let missingTiming = 0;
  try {
    const first = await login(poster, 0);
    if (first === null) throw new Error(`${what}: nothing to send`);
    if (first.response.status !== 200) throw new ApiError(first.response.status, first.response.body, `${what} (the first login)`);
    const m = await runLoop(
      () => {
        let calls = 0;
        return async () => {
          const outcome = await login(poster, calls++);
          if (outcome === null) return null; // e.g. the pool is used up: this loop stops
          const { status, headers, body } = outcome.response;
          return {
            ok: status >= 200 && status < 300,
            status,
            body,
            serverTiming: parseServerTiming(headers["server-timing"]),
            partsMs: outcome.partsMs,
            earlierAppMs: outcome.earlierAppMs,
            label: outcome.label,
          };
        };
      },
      load,
      {
        onMeasureStart,
        onResult: (result, ms) => {
          const t = result.serverTiming ?? {};
          const kind = result.label === PAIRED ? paired : own;
          kind.e2e.push(ms);
          if (t.app === undefined || Number.isNaN(result.earlierAppMs)) missingTiming++;
          else if (result.earlierAppMs === undefined) kind.app.push(t.app);
          else {
            kind.app.push(result.earlierAppMs + t.app);
            appPerRequest.challenge.push(result.earlierAppMs);
            appPerRequest.login.push(t.app);
          }
          if (t.oci !== undefined) kind.oci.push(t.oci);
          if (kind === paired) return;
          for (const [name, partMs] of Object.entries(result.partsMs ?? {})) {
            if (!parts.has(name)) parts.set(name, new Samples());
            parts.get(name)!.push(partMs);
          }
        },
      },
    );
    const ownSummary = own.summary(m.durationSec);
    m.extra = {
      ...m.extra,
      serverTimingAppMs: ownSummary.serverTimingAppMs,
      serverTimingOciMs: ownSummary.serverTimingOciMs,
      responsesWithoutServerTiming: missingTiming,
      ...(appPerRequest.login.length
        ? { serverTimingAppPerRequestMs: { challenge: appPerRequest.challenge.summary(), login: appPerRequest.login.summary() } }
        : {}),
      ...(parts.size ? { clientPartsMs: Object.fromEntries([...parts].map(([name, samples]) => [name, samples.summary()])) } : {}),
      ...(paired.e2e.length ? { own: ownSummary, paired: paired.summary(m.durationSec) } : {}),
    };
    return m;
  } finally {
    poster.close();
  }
}

/** How a pool was used over a run (reported with the scenario); said loudly when it ran out. */
function poolUse(
  pool: LoginPool,
  usedBeforeWindow: number,
  m: LoopMeasurement,
  what: string,
  durationSec: number,
  log: (line: string) => void,
) {
  const exhausted = pool.used >= pool.size;
  if (exhausted) {
    log(
      `    LOGIN POOL USED UP: all ${pool.size} ${what} sent, the loop stopped ${m.stoppedEarlyAfterSec ?? "?"} s into the ${durationSec} s window`,
    );
  }
  return {
    size: pool.size,
    planned: pool.planned,
    ...pool.made,
    usedBeforeWindow,
    usedInWindow: pool.used - usedBeforeWindow,
    exhausted,
    ...(m.stoppedEarlyAfterSec === undefined ? {} : { stoppedEarlyAfterSec: m.stoppedEarlyAfterSec }),
  };
}

export interface UserKeyLoginSeed {
  user: OciUser;
  identityId: string;
  pairs: SigningPairs;
}

/** Posts the pool's next user-key login (null once it is used up). */
const userKeyLogin =
  (pool: LoginPool, label?: string): LoginOnce =>
  async (poster) => {
    const body = pool.take();
    return body === undefined ? null : { response: await poster.post(USER_KEY_LOGIN_PATH, body), label };
  };

/**
 * (c)/(c1)/(c16)/(g16): user-key logins. Each login posts its own header set from a pool signed
 * before the load (one (key, second) pair each: a set logs in once), sized for the run; a pool
 * used up ends the loop early and says so. `signer`: oci-common's, or the Go SDK's request.
 */
export async function userKeyLogins(
  baseUrl: string,
  load: LoadOptions,
  seed: UserKeyLoginSeed,
  log: (line: string) => void,
  signer: LoginSigner = "oci-common",
): Promise<LoopMeasurement> {
  const runSeconds = load.warmupSec + load.durationSec;
  const size = loginPoolSize(load.connections, runSeconds);
  const pool = await presignLogins(seed.user, seed.identityId, seed.pairs, size, runSeconds, log, signer);
  if (pool.size === 0) throw new Error("no login header set could be signed (no unused key/second pair)");
  let usedBeforeWindow = 0;
  const m = await timedLogins(baseUrl, load, `POST ${USER_KEY_LOGIN_PATH}`, userKeyLogin(pool), () => (usedBeforeWindow = pool.used));
  if (m.requests === 0) throw new Error(`the pool of ${pool.size} pre-signed logins was used up before the measured window`);
  m.extra = { ...m.extra, loginPool: poolUse(pool, usedBeforeWindow, m, "pre-signed logins", load.durationSec, log) };
  return m;
}

type Provider = Awaited<ReturnType<typeof instancePrincipalProvider>>;

/** The login body for `challenge`: the inner GET that binds it and the outer authenticateClient request, both signed by `provider`. */
async function signedPrincipalLogin(provider: Provider, baseUrl: string, identityId: string, challenge: string): Promise<string> {
  const inner = await signInnerRequest(provider, { method: "GET", uri: `${baseUrl}${PRINCIPAL_LOGIN_PATH}?challenge=${challenge}` });
  const outer = await signAuthenticateClient(provider, OCI_AUTH_URL, inner);
  return JSON.stringify({ identityId, authenticateClient: { headers: outer.headers, body: outer.body } });
}

/** Client-side cost of signing one login (both requests), timed in a row before the load (nothing else on this event loop). */
async function signingCost(provider: Provider, baseUrl: string, identityId: string): Promise<Summary> {
  const samples = new Samples();
  // One untimed signing first: the first one pays oci-common's one-off set-up (one 100-300 ms outlier otherwise).
  await signedPrincipalLogin(provider, baseUrl, identityId, randomBytes(32).toString("base64url"));
  for (let i = 0; i < SIGNING_CALIBRATION_LOGINS; i++) {
    const t0 = performance.now();
    await signedPrincipalLogin(provider, baseUrl, identityId, randomBytes(32).toString("base64url"));
    samples.push(performance.now() - t0);
  }
  return samples.summary();
}

/** A generous estimate of principal logins per second (per connection, in all) to size the signed-ahead pool. */
const PRINCIPAL_RATE_PER_CONNECTION = 300;
const PRINCIPAL_RATE_TOTAL = 800;
/** Signing ahead must leave every pooled challenge this far inside its validity at the run's end. */
const CHALLENGE_MARGIN_SECONDS = 30;

/** Logins for one run of `seconds` (warm-up included) at `connections`, plus the sanity login. */
export function principalPoolSize(connections: number, seconds: number): number {
  return Math.ceil(Math.min(connections * PRINCIPAL_RATE_PER_CONNECTION, PRINCIPAL_RATE_TOTAL) * seconds) + 1;
}

/**
 * Fetches `size` challenges and signs a login for each, before the load: the pool of logins to
 * post, oldest first. Stops early (and says so) when the challenges fetched first would not
 * outlive `reserveSeconds` (what runs after the signing and before the load) plus the run.
 */
async function signAhead(
  poster: JsonPoster,
  provider: Provider,
  baseUrl: string,
  identityId: string,
  size: number,
  seconds: { run: number; reserve: number },
  log: (line: string) => void,
): Promise<LoginPool> {
  const started = performance.now();
  const deadline = started + (OCI_CHALLENGE_TTL_SECONDS - CHALLENGE_MARGIN_SECONDS - seconds.reserve - seconds.run) * 1000;
  if (deadline <= started) {
    const most = OCI_CHALLENGE_TTL_SECONDS - CHALLENGE_MARGIN_SECONDS - seconds.reserve;
    throw new Error(
      `(p1)/(p16) sign their logins ahead over challenges valid ${OCI_CHALLENGE_TTL_SECONDS} s: --warmup + --duration must be under ${most} s, not ${seconds.run}`,
    );
  }
  const challengeBody = JSON.stringify({ identityId });
  const bodies: string[] = [];
  let signingMs = 0;
  while (bodies.length < size && performance.now() < deadline) {
    const issued = await poster.post(CHALLENGE_PATH, challengeBody);
    if (issued.status !== 200) throw new ApiError(issued.status, issued.body, `POST ${CHALLENGE_PATH} (signing ahead)`);
    const t0 = performance.now();
    bodies.push(await signedPrincipalLogin(provider, baseUrl, identityId, (JSON.parse(issued.body) as { challenge: string }).challenge));
    signingMs += performance.now() - t0;
  }
  const took = ((performance.now() - started) / 1000).toFixed(1);
  log(`    signed ${bodies.length} of ${size} principal logins ahead in ${took} s (challenge, then inner + outer signature each)`);
  return new LoginPool(bodies, size, { signingSec: Math.round(signingMs) / 1000 });
}

export interface PrincipalLoginSeed {
  identityId: string;
  standInUrl: string;
  instanceId: string;
  /** The instance's metadata URL on the stand-in (its IMDS base). */
  metadataUrl: string;
  /** The user-key logins the principal logins alternate with. */
  userKey: UserKeyLoginSeed;
}

/**
 * (p1)/(p16): principal logins with oci-common's instance principal provider (federated with the
 * stand-in once, before the load), alternating with user-key logins. A challenge is single-use,
 * so a login cannot be signed twice; like the user-key pools, the logins are signed before the
 * load (client-side RSA signing does not compete with the server while it is measured): a
 * challenge fetched and a login signed over it for each login of the run. In the window, every
 * principal login does what a workload's does on the server: POST a challenge (a fresh one: its
 * Server-Timing counts, the challenge itself is not used), then POST a login signed ahead.
 * Server-Timing `app` per login = challenge + login. Every loop alternates: its even calls are
 * principal logins, its odd calls user-key logins (`extra.paired`), so the two methods are
 * compared on the same machine at the same moment (which one run after the other, c1 then p1, on
 * shared cores does not give), with as many of each in flight (half the connections each).
 * Signing one login is timed alone before that (`extra.signingCalibrationMs`).
 */
export async function principalLogins(
  baseUrl: string,
  load: LoadOptions,
  seed: PrincipalLoginSeed,
  log: (line: string) => void,
): Promise<LoopMeasurement> {
  const provider = await instancePrincipalProvider({ url: seed.standInUrl, instanceMetadataUrl: () => seed.metadataUrl }, seed.instanceId);
  const signingMs = await signingCost(provider, baseUrl, seed.identityId);
  log(
    `    signing one login (inner + outer request, oci-common): p50 ${signingMs.p50} ms, p99 ${signingMs.p99} ms (${SIGNING_CALIBRATION_LOGINS} in a row)`,
  );
  const runSeconds = load.warmupSec + load.durationSec;
  const ahead = createJsonPoster(baseUrl, 1);
  // Principal logins first: their challenges' clock allows for the user-key pre-signing after them.
  const pool = await signAhead(
    ahead,
    provider,
    baseUrl,
    seed.identityId,
    principalPoolSize(load.connections, runSeconds),
    { run: runSeconds, reserve: PRESIGN_BUDGET_SECONDS },
    log,
  ).finally(() => ahead.close());
  const { user, identityId, pairs } = seed.userKey;
  // Alternating, each method posts about half the logins of a run of its own.
  const userKeyPool = await presignLogins(
    user,
    identityId,
    pairs,
    Math.ceil(loginPoolSize(load.connections, runSeconds) / 2),
    runSeconds,
    log,
  );
  const challengeBody = JSON.stringify({ identityId: seed.identityId });
  const principalLogin: LoginOnce = async (poster) => {
    const body = pool.take();
    if (body === undefined) return null;
    const t0 = performance.now();
    const issued = await poster.post(CHALLENGE_PATH, challengeBody);
    const t1 = performance.now();
    const partsMs: Record<string, number> = { challenge: t1 - t0 };
    if (issued.status !== 200) return { response: { ...issued, body: `(challenge) ${issued.body}` }, partsMs };
    const response = await poster.post(PRINCIPAL_LOGIN_PATH, body);
    partsMs.login = performance.now() - t1;
    // A challenge without Server-Timing makes the login's count as missing, never as 0 ms.
    return { response, partsMs, earlierAppMs: parseServerTiming(issued.headers["server-timing"]).app ?? NaN };
  };
  const pairedLogin = userKeyLogin(userKeyPool, PAIRED);
  const login: LoginOnce = (poster, call) => (call % 2 === 0 ? principalLogin(poster, call) : pairedLogin(poster, call));
  const before = { principal: 0, userKey: 0 };
  const m = await timedLogins(baseUrl, load, `POST ${CHALLENGE_PATH} then ${PRINCIPAL_LOGIN_PATH}`, login, () => {
    before.principal = pool.used;
    before.userKey = userKeyPool.used;
  });
  if (m.requests === 0) throw new Error(`the ${pool.size} principal logins signed ahead were used up before the measured window`);
  m.extra = {
    ...m.extra,
    httpRequestsPerLogin: 2,
    signingCalibrationMs: { ...signingMs, logins: SIGNING_CALIBRATION_LOGINS },
    loginPool: poolUse(pool, before.principal, m, "principal logins signed ahead", load.durationSec, log),
    pairedLoginPool: poolUse(userKeyPool, before.userKey, m, "pre-signed user-key logins", load.durationSec, log),
  };
  return m;
}
