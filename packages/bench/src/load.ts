// Load drivers: autocannon (programmatic), a keep-alive node:http loop that reads response
// headers (Server-Timing), and a loop of typed tRPC client calls.
import http from "node:http";
import autocannon from "autocannon";
import { idleRssMB, watchWindow, type CpuReading, type RssReading, type WatchTargets } from "./monitor.js";

export interface Measurement {
  requestsPerSec: number;
  latencyMs: { p50: number; p99: number; avg: number; max: number };
  requests: number;
  durationSec: number;
  /** Socket errors and timeouts (no HTTP response). */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** The first few non-2xx responses, for diagnosis. */
  sampleFailures: string[];
  rss: RssReading | null;
  cpu: CpuReading | null;
  extra?: Record<string, unknown>;
}

export interface LoadOptions {
  connections: number;
  durationSec: number;
  warmupSec: number;
  /** The processes watched: the server's idle RSS before the load, and during the measured window its peak RSS and CPU, others' CPU. */
  watch?: WatchTargets;
  /** Called right before and right after the measured window (not the warm-up). */
  aroundMeasure?: { before(): Promise<void>; after(requests: number): Promise<Record<string, unknown> | undefined> };
}

export type AutocannonRequest = autocannon.Request;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function recordFailure(samples: string[], status: number, body: string, what = "") {
  if (samples.length < 5) samples.push(`${what}${status} ${body.slice(0, 300)}`);
}

async function autocannonOnce(url: string, requests: AutocannonRequest[], connections: number, durationSec: number, samples: string[]) {
  // Capture the first few non-2xx bodies (server bugs under load are worth reading).
  const wrapped = requests.map((request) => {
    const own = request.onResponse;
    return {
      ...request,
      onResponse: (status: number, body: string, context: object, headers: AutocannonRequest["headers"]) => {
        if (status < 200 || status >= 300) recordFailure(samples, status, body, `${request.method ?? "GET"} `);
        if (typeof own === "function") own(status, body, context, headers);
      },
    };
  });
  return autocannon({ url, connections, duration: durationSec, requests: wrapped, timeout: 30 });
}

/** Warm-up, then a measured autocannon run with RSS sampling of the server. */
export async function runAutocannon(
  url: string,
  requests: AutocannonRequest[],
  options: LoadOptions,
  afterEachRun?: () => Promise<void>,
): Promise<Measurement> {
  const idleMB = options.watch ? await idleRssMB(options.watch.serverPid) : null;
  if (options.warmupSec > 0) {
    await autocannonOnce(url, requests, options.connections, options.warmupSec, []);
    await afterEachRun?.();
  }
  const samples: string[] = [];
  await options.aroundMeasure?.before();
  const watcher = options.watch ? watchWindow(options.watch, idleMB) : null;
  const result = await autocannonOnce(url, requests, options.connections, options.durationSec, samples);
  const reading = watcher?.stop() ?? null;
  const around = await options.aroundMeasure?.after(result.requests.total);
  await afterEachRun?.();
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat?.count ?? 0;
  const durationSec = result.duration;
  return {
    requestsPerSec: round(result.requests.total / durationSec, 1),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, avg: round(result.latency.average), max: result.latency.max },
    requests: result.requests.total,
    durationSec: round(durationSec),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    sampleFailures: samples,
    rss: reading?.rss ?? null,
    cpu: reading?.cpu ?? null,
    ...(around ? { extra: around } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

class Samples {
  private values = new Float64Array(1 << 16);
  length = 0;
  push(value: number) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  summary() {
    const sorted = this.values.slice(0, this.length).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      p50: round(percentile(sorted, 50)),
      p99: round(percentile(sorted, 99)),
      avg: round(this.length ? sum / this.length : NaN),
      max: round(this.length ? sorted[this.length - 1]! : NaN),
    };
  }
}

export interface LoopResult {
  ok: boolean;
  status: number;
  body?: string;
  serverTiming?: Record<string, number>;
  /** Parts of the call the caller timed itself (ms by name), for onResult. */
  partsMs?: Record<string, number>;
  /** Server-Timing `app` of the requests before this one in the same call (NaN: one had none). */
  earlierAppMs?: number;
  /** Which kind of call this was, when a loop alternates kinds (e.g. "paired"). */
  label?: string;
}

export interface LoopMeasurement extends Measurement {
  /** Set when a loop ran out of work before the window's end: seconds into the window. */
  stoppedEarlyAfterSec?: number;
}

export interface LoopHooks {
  /** Called for each result of the measured window (not the warm-up). */
  onResult?: (result: LoopResult, ms: number) => void;
  /** Called when the measured window starts. */
  onMeasureStart?: () => void;
}

/**
 * Runs `connections` concurrent async loops for the duration (after a warm-up), timing each call.
 * `createWorker(i)` makes loop i's call; it reports the status (non-2xx are counted), a thrown
 * error counts as an error, and `null` (nothing left to send) ends that loop: the window then
 * ends early, `stoppedEarlyAfterSec` says when (requests/s are over the time actually run).
 */
export async function runLoop(
  createWorker: (index: number) => () => Promise<LoopResult | null>,
  options: LoadOptions,
  hooks: LoopHooks = {},
): Promise<LoopMeasurement> {
  const workers = Array.from({ length: options.connections }, (_, i) => createWorker(i));
  const idleMB = options.watch ? await idleRssMB(options.watch.serverPid) : null;
  const drive = async (seconds: number, measure: boolean) => {
    const latency = new Samples();
    const statusCodes: Record<string, number> = {};
    const samples: string[] = [];
    let errors = 0;
    let non2xx = 0;
    let stoppedAt: number | undefined;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      workers.map(async (call) => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          try {
            const result = await call();
            if (result === null) {
              stoppedAt ??= performance.now();
              return;
            }
            const ms = performance.now() - t0;
            latency.push(ms);
            statusCodes[result.status] = (statusCodes[result.status] ?? 0) + 1;
            if (!result.ok) {
              non2xx++;
              recordFailure(samples, result.status, result.body ?? "");
            }
            if (measure) hooks.onResult?.(result, ms);
          } catch (error) {
            errors++;
            if (samples.length < 5) samples.push(`error: ${(error as Error).message}`);
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
      latency,
      statusCodes,
      samples,
      errors,
      non2xx,
      elapsed,
      stoppedAfterSec: stoppedAt === undefined ? undefined : (stoppedAt - started) / 1000,
    };
  };
  if (options.warmupSec > 0) {
    const warmup = await drive(options.warmupSec, false);
    if (warmup.stoppedAfterSec !== undefined)
      throw new Error(`the loop ran out of work during the ${options.warmupSec} s warm-up (after ${round(warmup.stoppedAfterSec, 1)} s)`);
  }
  await options.aroundMeasure?.before();
  const watcher = options.watch ? watchWindow(options.watch, idleMB) : null;
  hooks.onMeasureStart?.();
  const run = await drive(options.durationSec, true);
  const reading = watcher?.stop() ?? null;
  const around = await options.aroundMeasure?.after(run.latency.length);
  return {
    requestsPerSec: round(run.latency.length / run.elapsed, 1),
    latencyMs: run.latency.summary(),
    requests: run.latency.length,
    durationSec: round(run.elapsed),
    errors: run.errors,
    timeouts: 0,
    non2xx: run.non2xx,
    statusCodes: run.statusCodes,
    sampleFailures: run.samples,
    rss: reading?.rss ?? null,
    cpu: reading?.cpu ?? null,
    ...(around ? { extra: around } : {}),
    ...(run.stoppedAfterSec === undefined ? {} : { stoppedEarlyAfterSec: round(run.stoppedAfterSec) }),
  };
}

export { Samples };

export interface PostResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type JsonPoster = ReturnType<typeof createJsonPoster>;

/** A keep-alive HTTP/1.1 POST of JSON that returns status, headers and body. */
export function createJsonPoster(baseUrl: string, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const url = new URL(baseUrl);
  return {
    post(path: string, payload: string): Promise<PostResponse> {
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method: "POST",
            path,
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Parses `Server-Timing: app;dur=1.2, oci;dur=3.4` into { app: 1.2, oci: 3.4 }. */
export function parseServerTiming(header: string | string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  const text = Array.isArray(header) ? header.join(", ") : (header ?? "");
  for (const part of text.split(",")) {
    const match = /^\s*([\w-]+)\s*;.*?dur=([\d.]+)/.exec(part);
    if (match) out[match[1]!] = Number(match[2]);
  }
  return out;
}
