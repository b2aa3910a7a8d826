// `--observability`: what tracing and an audit device cost. The hot read (a) and the user-key
// login at 16 connections (c16) on one database, with the app started four times: plain, with
// OpenTelemetry tracing exported over OTLP/HTTP, with one HTTP audit device, and plain again (the
// two plain runs bracket the others, so drift over the run shows). Receivers for the spans and the
// audit events run in this process and answer 200 at once; what they received is reported.
import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { OBSERVABILITY_VARIANTS, type ObservabilityVariant } from "./args.js";
import { runAutocannon, type Measurement } from "./load.js";
import { userKeyLogins } from "./login-scenarios.js";
import { type Env, loadOptions, readRequests, sanityGet, type MainSeed, seedMain, cpuText } from "./scenarios.js";
import { startApp, type DbKind, type DbTarget, migrate } from "./servers.js";

export const OBSERVABILITY_TITLES: Record<ObservabilityVariant, string> = {
  off: "tracing off, no audit device",
  tracing: "tracing on (OTLP/HTTP to a local receiver, every request sampled)",
  "audit-http": "one HTTP audit device (generic JSON webhook, HMAC-signed)",
  "off-again": "tracing off, no audit device (again, after the others)",
};

export interface ObservabilityMeasurement {
  variant: ObservabilityVariant;
  read?: Measurement;
  login?: Measurement;
  failed?: string;
  /** What the local receiver got while this variant ran: OTLP export requests, or audit events. */
  received?: { requests: number; bytes: number; events?: number };
}

export interface ObservabilityRun {
  db: DbKind;
  variants: ObservabilityMeasurement[];
}

interface Receiver {
  url: string;
  counts: { requests: number; bytes: number; events: number };
  close(): Promise<void>;
}

/** A local HTTP endpoint that counts what is posted to it and answers 200 (OTLP) or 200 with `{}` (the audit webhook). */
async function startReceiver(countEvents: boolean): Promise<Receiver> {
  const counts = { requests: 0, bytes: 0, events: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      counts.requests++;
      counts.bytes += body.length;
      if (countEvents) {
        try {
          counts.events += (JSON.parse(body.toString("utf8")) as { events?: unknown[] }).events?.length ?? 0;
        } catch {
          // Not JSON: counted as a request only.
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function variantEnv(variant: ObservabilityVariant, receiver: Receiver | undefined): Record<string, string> {
  if (variant === "tracing")
    return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver!.url, OTEL_SERVICE_NAME: "ociauth-bench", OTEL_TRACES_SAMPLER: "always_on" };
  if (variant === "audit-http")
    return { AUDIT_HTTP_URL: `${receiver!.url}/audit`, AUDIT_HTTP_HMAC_SECRET: "bench-hmac-secret-0123456789abcdef" };
  return {};
}

/** The four starts of the app on one database (migrated once, seeded by the first start). */
export async function runObservability(db: DbKind, target: DbTarget, env: Env): Promise<ObservabilityRun> {
  const run: ObservabilityRun = { db, variants: [] };
  env.log(`[${db}] observability: migrating…`);
  await migrate(target, env.logFile(`${db}-observability-migrate.log`));
  let seed: MainSeed | undefined;
  for (const variant of OBSERVABILITY_VARIANTS) {
    env.log(`[${db}] observability: ${OBSERVABILITY_TITLES[variant]}`);
    const receiver = variant === "tracing" || variant === "audit-http" ? await startReceiver(variant === "audit-http") : undefined;
    const result: ObservabilityMeasurement = { variant };
    try {
      const app = await startApp({
        target,
        authSecret: env.authSecret,
        ociEndpoint: env.ociEndpoint,
        logFile: env.logFile(`${db}-observability-${variant}.log`),
        extraEnv: variantEnv(variant, receiver),
      });
      try {
        seed ??= await seedMain(app.url, env);
        await sanityGet(app.url, readRequests(seed.readId, seed.readToken)[0]!.path!, seed.readToken);
        result.read = await runAutocannon(app.url, readRequests(seed.readId, seed.readToken), loadOptions(env, app, db));
        logMeasurement(env, "(a) hot read", result.read);
        const userKeySeed = { user: env.user, identityId: seed.loginId, pairs: seed.loginPairs };
        result.login = await userKeyLogins(app.url, { ...loadOptions(env, app, db), connections: 16 }, userKeySeed, env.log);
        logMeasurement(env, "(c16) login", result.login);
      } finally {
        await app.stop();
      }
    } catch (error) {
      result.failed = (error as Error).message;
      env.log(`    FAILED: ${result.failed}`);
    } finally {
      if (receiver) {
        result.received = { requests: receiver.counts.requests, bytes: receiver.counts.bytes };
        if (variant === "audit-http") result.received.events = receiver.counts.events;
        env.log(
          `    receiver: ${receiver.counts.requests} requests, ${receiver.counts.bytes} bytes${variant === "audit-http" ? `, ${receiver.counts.events} audit events` : ""}`,
        );
        await receiver.close();
      }
    }
    run.variants.push(result);
  }
  return run;
}

function logMeasurement(env: Env, label: string, m: Measurement): void {
  env.log(
    `    ${label}: ${m.requestsPerSec} req/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, non-2xx ${m.non2xx}, errors ${m.errors + m.timeouts}, CPU ${cpuText(m.cpu)}`,
  );
}

const ratio = (value: number | undefined, base: number | undefined) =>
  value !== undefined && base !== undefined && base > 0 ? `${(value / base).toFixed(2)}×` : "–";

/**
 * Per database and variant: req/s and p99 of (a) and (c16), and req/s as a ratio to the mean of
 * the two plain runs (the noise between those two is the row "off-again").
 */
export function observabilityTable(runs: ObservabilityRun[], markdown: boolean): string | undefined {
  if (runs.length === 0) return undefined;
  const header = ["db", "variant", "(a) req/s", "(a) p99 ms", "(a) ratio", "(c16) logins/s", "(c16) p99 ms", "(c16) ratio", "received"];
  const rows: string[][] = [];
  for (const run of runs) {
    const plain = run.variants.filter((v) => v.variant === "off" || v.variant === "off-again");
    const mean = (pick: (v: ObservabilityMeasurement) => number | undefined) => {
      const values = plain.map(pick).filter((n): n is number => n !== undefined);
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
    };
    const readBase = mean((v) => v.read?.requestsPerSec);
    const loginBase = mean((v) => v.login?.requestsPerSec);
    for (const v of run.variants) {
      const received = v.received
        ? `${v.received.requests} posts${v.received.events === undefined ? "" : `, ${v.received.events} events`}`
        : v.failed
          ? `FAILED: ${v.failed.split("\n")[0]}`
          : "";
      rows.push([
        run.db,
        v.variant,
        String(v.read?.requestsPerSec ?? "–"),
        String(v.read?.latencyMs.p99 ?? "–"),
        ratio(v.read?.requestsPerSec, readBase),
        String(v.login?.requestsPerSec ?? "–"),
        String(v.login?.latencyMs.p99 ?? "–"),
        ratio(v.login?.requestsPerSec, loginBase),
        received,
      ]);
    }
  }
  if (markdown)
    return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ")).join("\n");
}
