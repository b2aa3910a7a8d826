// Tokens verified by other services (issue 22): introspection of a hot token (i16) and of tokens
// spread uniformly over N identities (iu16), each beside a hot read at the same connections
// (h16), on one app over one fresh database; and the client's offline verification (v) in this
// process, beside jose.jwtVerify with a local key.
import { setTimeout as sleep } from "node:timers/promises";
import { verifyAccessToken } from "@ociauth/client";
import { importJWK, type JWK, jwtVerify } from "jose";
import { runAutocannon, type AutocannonRequest, type Measurement } from "./load.js";
import { cpuText, type Env, type ScenarioResult, TITLES } from "./scenarios.js";
import {
  attachOciAuth,
  bootstrap,
  createIdentity,
  distinctSigningDates,
  insertBulkIdentities,
  mintAccessToken,
  ociLogin,
  readSigningKey,
  signedLoginHeaders,
} from "./seed.js";
import { migrate, startApp, type DbKind, type DbTarget, type RunningServer } from "./servers.js";

export const INTROSPECTION_CONNECTIONS = 16;
export const INTROSPECT_PATH = "/api/v1/auth/token/introspect";
export const JWKS_PATH = "/.well-known/jwks.json";

export const VERIFICATION_TITLES = {
  h16: "(h16) hot read GET /auth/oci-auth/identities/{id} at 16 connections (the introspections' reference)",
  i16: TITLES.i16,
  iu16: TITLES.iu16,
} as const;

/** Offline verifications in this process, one in flight: the client against jose with a local key. */
export interface OfflineVerification {
  /** Each side's time in the window (they alternate in short slices, so both meet the same spells). */
  secondsEach: number;
  sliceMs: number;
  /** "uniform": a different token each time, cycling over `tokens`; "hot": one token again and again. */
  runs: {
    tokens: "uniform" | "hot";
    distinctTokens: number;
    clientPerSec: number;
    josePerSec: number;
    /** client / jose. */
    ratio: number;
  }[];
  failed?: string;
}

export interface VerificationRun {
  db: DbKind;
  /** Identities with their own token in the database (the uniform introspection's population). */
  identities: number;
  connections: number;
  /** h16, i16, iu16. */
  scenarios: ScenarioResult[];
  offline?: OfflineVerification;
  notes: string[];
}

interface VerificationSeed {
  orgId: string;
  hotId: string;
  resourceServerId: string;
}

interface VerificationTokens {
  hotToken: string;
  /** The resource server's own token (an identity of the same organization, viewer role). */
  resourceServerToken: string;
}

/** The organization, the hot token's identity and the resource server's (viewer role), OCI auth attached. */
async function seed(baseUrl: string, env: Env): Promise<VerificationSeed> {
  const boot = await bootstrap(baseUrl);
  const hotId = await createIdentity(baseUrl, boot, "bench-hot");
  const resourceServerId = await createIdentity(baseUrl, boot, "bench-resource-server", "viewer");
  await attachOciAuth(baseUrl, boot, hotId, env.user.tenancyOcid);
  await attachOciAuth(baseUrl, boot, resourceServerId, env.user.tenancyOcid);
  return { orgId: boot.orgId, hotId, resourceServerId };
}

/**
 * The two OCI logins, on the app that is measured: a token's issuer is the PUBLIC_URL of the app
 * that signed it, and each start of the app gets another port.
 */
async function login(baseUrl: string, seeded: VerificationSeed, env: Env): Promise<VerificationTokens> {
  const { user } = env;
  const [hotDate, rsDate] = distinctSigningDates(2);
  return {
    hotToken: await ociLogin(baseUrl, seeded.hotId, user, await signedLoginHeaders(user, hotDate)),
    resourceServerToken: await ociLogin(baseUrl, seeded.resourceServerId, user, await signedLoginHeaders(user, rsDate)),
  };
}

const readPath = (identityId: string) => `/api/v1/auth/oci-auth/identities/${identityId}`;

function introspectRequest(resourceServerToken: string, pick: () => string, inactive: { count: number }): AutocannonRequest {
  const headers = { authorization: `Bearer ${resourceServerToken}`, "content-type": "application/x-www-form-urlencoded" };
  return {
    method: "POST",
    path: INTROSPECT_PATH,
    headers,
    setupRequest: (req) => ({ ...req, method: "POST", path: INTROSPECT_PATH, headers, body: `token=${encodeURIComponent(pick())}` }),
    // A 200 that says {"active":false} is not a verification: counted apart.
    onResponse: (status, body) => {
      if (status === 200 && !body.includes('"active":true')) inactive.count++;
    },
  };
}

/** One introspection before the load: the endpoint must answer active for this token. */
async function sanityIntrospect(baseUrl: string, resourceServerToken: string, token: string): Promise<void> {
  const res = await fetch(`${baseUrl}${INTROSPECT_PATH}`, {
    method: "POST",
    headers: { authorization: `Bearer ${resourceServerToken}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`POST ${INTROSPECT_PATH}: HTTP ${res.status} ${body.slice(0, 300)}`);
  if (!(JSON.parse(body) as { active?: boolean }).active) throw new Error(`POST ${INTROSPECT_PATH}: not active: ${body.slice(0, 300)}`);
}

async function measured(id: keyof typeof VERIFICATION_TITLES, env: Env, fn: () => Promise<Measurement>): Promise<ScenarioResult> {
  const title = VERIFICATION_TITLES[id];
  env.log(`  ${title} …`);
  try {
    const m = await fn();
    env.log(
      `    ${m.requestsPerSec} req/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, non-2xx ${m.non2xx}, errors ${m.errors + m.timeouts}, CPU ${cpuText(m.cpu)}`,
    );
    if (m.sampleFailures.length) env.log(`    first failures: ${m.sampleFailures.join(" | ")}`);
    return { id, title, ...m };
  } catch (error) {
    const message = (error as Error).message;
    env.log(`    FAILED: ${message}`);
    return { id, title, failed: message };
  }
}

/**
 * Runs `verify` and `baseline` alternately, `sliceMs` each, until each has had `seconds`; one
 * call in flight. Returns calls per second of each.
 */
async function alternate(
  seconds: number,
  sliceMs: number,
  verify: (i: number) => Promise<unknown>,
  baseline: (i: number) => Promise<unknown>,
): Promise<{ verifyPerSec: number; baselinePerSec: number }> {
  const totals = [
    { fn: verify, calls: 0, ms: 0 },
    { fn: baseline, calls: 0, ms: 0 },
  ];
  while (totals.some((t) => t.ms < seconds * 1000)) {
    for (const side of totals) {
      const start = performance.now();
      let now = start;
      while (now - start < sliceMs) {
        await side.fn(side.calls++);
        now = performance.now();
      }
      side.ms += now - start;
    }
  }
  const perSec = (t: (typeof totals)[number]) => Math.round((t.calls / t.ms) * 1000);
  return { verifyPerSec: perSec(totals[0]!), baselinePerSec: perSec(totals[1]!) };
}

/**
 * (v): `verifyAccessToken(token, {issuer, mode: "offline"})` from @ociauth/client with its key set
 * cached (fetched from the app's JWKS by the first call), against `jose.jwtVerify` with the same
 * public key imported once (alg, issuer and audience checked): over distinct tokens and over one.
 */
async function offlineVerification(issuer: string, hotToken: string, tokens: string[], env: Env): Promise<OfflineVerification> {
  const sliceMs = 250;
  const secondsEach = env.options.durationSec;
  const res = await fetch(`${issuer}${JWKS_PATH}`);
  if (!res.ok) throw new Error(`GET ${JWKS_PATH}: HTTP ${res.status}`);
  const { keys } = (await res.json()) as { keys: JWK[] };
  const local = new Map<string, CryptoKey>();
  for (const jwk of keys) if (jwk.kid) local.set(jwk.kid, (await importJWK(jwk, "ES256")) as CryptoKey);
  const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as { kid: string }).kid;
  const client = async (token: string) => {
    const result = await verifyAccessToken(token, { issuer, mode: "offline" });
    if (!result) throw new Error("verifyAccessToken returned nothing");
    return result;
  };
  const jose = async (token: string) => {
    const key = local.get(kidOf(token));
    if (!key) throw new Error(`no published key for kid ${kidOf(token)}`);
    return jwtVerify(token, key, { algorithms: ["ES256"], issuer, audience: issuer });
  };
  // Both must accept the token before anything is timed (the client's first call fetches the key set).
  await client(hotToken);
  await jose(hotToken);
  await client(tokens[0]!);
  const runs: OfflineVerification["runs"] = [];
  for (const [kind, list] of [
    ["uniform", tokens],
    ["hot", [hotToken]],
  ] as const) {
    // A short warm-up of both (JIT), not counted.
    await alternate(
      0.5,
      100,
      (i) => client(list[i % list.length]!),
      (i) => jose(list[i % list.length]!),
    );
    const { verifyPerSec, baselinePerSec } = await alternate(
      secondsEach,
      sliceMs,
      (i) => client(list[i % list.length]!),
      (i) => jose(list[i % list.length]!),
    );
    const row = {
      tokens: kind,
      distinctTokens: list.length,
      clientPerSec: verifyPerSec,
      josePerSec: baselinePerSec,
      ratio: Math.round((verifyPerSec / baselinePerSec) * 1000) / 1000,
    };
    env.log(
      `    offline, ${kind} (${list.length} distinct): client ${row.clientPerSec}/s, jose ${row.josePerSec}/s, client / jose ${(row.ratio * 100).toFixed(1)}%`,
    );
    runs.push(row);
  }
  return { secondsEach, sliceMs, runs };
}

/**
 * A fresh database: two identities seeded through the API (the hot token's and the resource
 * server's, viewer role), then `identities` more with a token each in bulk (as the scale run),
 * their tokens minted with the app's key; then h16, i16, iu16 and v as selected.
 */
export async function runVerification(db: DbKind, target: DbTarget, env: Env): Promise<VerificationRun> {
  const want = new Set(env.options.scenarios);
  const connections = INTROSPECTION_CONNECTIONS;
  const run: VerificationRun = { db, identities: env.options.introspectionIdentities, connections, scenarios: [], notes: [] };
  env.log(`[${db}] token verification: migrating a fresh database…`);
  await migrate(target, env.logFile(`${db}-verify-migrate.log`));
  const start = (name: string) =>
    startApp({
      target,
      authSecret: env.authSecret,
      ociEndpoint: env.ociEndpoint,
      logFile: env.logFile(`${db}-verify-app-${name}.log`),
      cpuProfileDir: name === "measure" ? env.cpuProfileDir : undefined,
    });
  let app: RunningServer = await start("seed");
  let seeded: VerificationSeed;
  try {
    seeded = await seed(app.url, env);
  } finally {
    await app.stop();
  }
  const key = await readSigningKey(target, env.authSecret, seeded.orgId);
  const t0 = Date.now();
  const rows = await insertBulkIdentities(target, seeded.orgId, env.user.tenancyOcid, run.identities, 0, key.kid);
  env.log(`[${db}] token verification: ${rows.length} identities with a token each inserted (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  app = await start("measure");
  try {
    const issued = await login(app.url, seeded, env);
    const tokens = await Promise.all(rows.map((row) => mintAccessToken(key, app.url, seeded.orgId, row)));
    const load = {
      connections,
      durationSec: env.options.durationSec,
      warmupSec: env.options.warmupSec,
      watch: {
        serverPid: app.handle.pid,
        standInPid: env.standInPid,
        postgresDataDir: db === "postgres" ? env.postgresDataDir : undefined,
      },
    };
    if (want.has("i16") || want.has("iu16")) {
      run.scenarios.push(
        await measured("h16", env, async () => {
          const res = await fetch(`${app.url}${readPath(seeded.hotId)}`, { headers: { authorization: `Bearer ${issued.hotToken}` } });
          if (!res.ok) throw new Error(`GET ${readPath(seeded.hotId)}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
          await res.arrayBuffer().catch(() => undefined);
          return runAutocannon(
            app.url,
            [{ method: "GET", path: readPath(seeded.hotId), headers: { authorization: `Bearer ${issued.hotToken}` } }],
            load,
          );
        }),
      );
    }
    const introspection = async (pick: () => string, sample: string) => {
      await sanityIntrospect(app.url, issued.resourceServerToken, sample);
      const inactive = { count: 0 };
      const m = await runAutocannon(app.url, [introspectRequest(issued.resourceServerToken, pick, inactive)], load);
      m.extra = { ...m.extra, inactiveAnswers: inactive.count };
      return m;
    };
    if (want.has("i16")) run.scenarios.push(await measured("i16", env, () => introspection(() => issued.hotToken, issued.hotToken)));
    if (want.has("iu16")) {
      run.scenarios.push(
        await measured("iu16", env, () => introspection(() => tokens[Math.floor(Math.random() * tokens.length)]!, tokens[0]!)),
      );
    }
    if (want.has("v")) {
      env.log(`  (v) offline verification in this process, ${env.options.durationSec} s each side …`);
      await sleep(500);
      try {
        run.offline = await offlineVerification(app.url, issued.hotToken, tokens, env);
      } catch (error) {
        const message = (error as Error).message;
        env.log(`    FAILED: ${message}`);
        run.offline = { secondsEach: env.options.durationSec, sliceMs: 250, runs: [], failed: message };
      }
    }
  } finally {
    await app.stop();
  }
  return run;
}
