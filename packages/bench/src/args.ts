import { ALL_BASELINES, type BaselineKind, type DbKind } from "./servers.js";

export const ALL_SCENARIOS = ["a", "b", "c", "c1", "c16", "g16", "p1", "p16", "d", "d1", "e", "i16", "iu16", "v"] as const;
/** The app starts of `--observability`: plain, tracing on, one HTTP audit device, plain again. */
export const OBSERVABILITY_VARIANTS = ["off", "tracing", "audit-http", "off-again"] as const;
export type ObservabilityVariant = (typeof OBSERVABILITY_VARIANTS)[number];
export type ScenarioId = (typeof ALL_SCENARIOS)[number];
/** Run on their own fresh database, after the others (verification-scenarios.ts). */
export const VERIFICATION_SCENARIOS = ["i16", "iu16", "v"] as const satisfies readonly ScenarioId[];

export interface BenchOptions {
  build: boolean;
  dbs: DbKind[];
  connections: number;
  durationSec: number;
  warmupSec: number;
  quick: boolean;
  scenarios: ScenarioId[];
  /** Baselines of scenario (a) to run after the app (none with --no-baselines). */
  baselines: BaselineKind[];
  main: boolean;
  scale: boolean;
  scaleSizes: number[];
  scaleConcurrency: number[];
  scaleDurationSec: number;
  scaleWarmupSec: number;
  /** Identities with a token each for the uniform introspection (iu16); the offline verification (v) cycles over their tokens. */
  introspectionIdentities: number;
  out: string | undefined;
  /** PostgreSQL: database work per request of (a) and (e) from pg_stat_database (~50 s). */
  dbStats: boolean;
  /** Measurements of (a) and of each baseline; the median (by req/s) is reported. */
  repeat: number;
  /** Time `pnpm start` (scripts/start.mjs) to the first 200, on the run's data and on a fresh database. */
  startup: boolean;
  /** Start the app with --cpu-prof (profiles in results/profiles/). */
  profile: boolean;
  /** (a) and (c16) with tracing off, on, and with one HTTP audit device (observability-scenarios.ts). */
  observability: boolean;
}

export const USAGE = `pnpm bench [flags]

  --no-build               skip \`pnpm build\` (use the existing apps/web/.next)
  --db pglite|postgres     one database only (default: both)
  --connections N          concurrent connections / calls in flight (default 64)
  --duration S             measured seconds per scenario (default 10; --quick: 3)
  --warmup S               warm-up seconds before each measurement (default 2; --quick: 1)
  --scenarios a,b,c,c1,c16,g16,p1,p16,d,d1,e,i16,iu16,v  which scenarios (default: all; i16, iu16
                           and v run on a database of their own after the others, and without
                           any of a…e the app's main run and its baselines are skipped)
  --introspection-identities N  identities, each with its own token, for iu16 (default 10000; --quick: 1000)
  --repeat N               measure (a) and each baseline N times, report the median (default 1)
  --no-db-stats            skip the PostgreSQL work-per-request measurement (off with --quick)
  --baselines raw-node,fastify,l0,l1  which baselines of (a) (default: all)
  --no-baselines           skip the baselines
  --no-startup             skip the start-up timing (\`pnpm start\` to the first 200, existing and fresh data)
  --scale                  also run the scale run: scenario (a) over many identities
  --scale-only             only the scale run
  --scale-sizes 10,10000,100000   identity counts (default; --quick: 10,1000)
  --scale-concurrency 1,16,64     connections per scale step (default)
  --scale-duration S       measured seconds per scale step (default 5; --quick: 2)
  --quick                  a short smoke run (~1-2 minutes plus the build)
  --observability          also compare (a) and (c16) with tracing off, tracing on and one HTTP
                           audit device on (the app started four times: off, tracing, audit, off)
  --observability-only     only that comparison
  --profile                start the app with node --cpu-prof (one .cpuprofile per app process in
                           results/profiles/; open in Chrome DevTools)
  --out FILE               results file (default: results/latest.json for a complete run — both
                           databases, all scenarios, all baselines, start-up timed, not --quick — else partial.json)
`;

function numberList(value: string, flag: string): number[] {
  const list = value.split(",").map((v) => Number(v.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`${flag}: expected positive integers, got "${value}"`);
  return list;
}

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: expected a positive number, got "${value}"`);
  return n;
}

export function parseArgs(argv: string[]): BenchOptions | "help" {
  const args = argv.filter((a) => a !== "--");
  const quick = args.includes("--quick");
  const options: BenchOptions = {
    build: true,
    dbs: ["pglite", "postgres"],
    connections: 64,
    durationSec: quick ? 3 : 10,
    warmupSec: quick ? 1 : 2,
    quick,
    scenarios: [...ALL_SCENARIOS],
    baselines: [...ALL_BASELINES],
    main: true,
    scale: false,
    scaleSizes: quick ? [10, 1000] : [10, 10_000, 100_000],
    scaleConcurrency: [1, 16, 64],
    scaleDurationSec: quick ? 2 : 5,
    scaleWarmupSec: 1,
    introspectionIdentities: quick ? 1000 : 10_000,
    out: undefined,
    profile: false,
    observability: false,
    startup: true,
    repeat: 1,
    dbStats: !quick,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--quick":
        break;
      case "--no-build":
        options.build = false;
        break;
      case "--db": {
        const v = value();
        if (v === "both" || v === "all") options.dbs = ["pglite", "postgres"];
        else if (v === "pglite" || v === "postgres") options.dbs = [v];
        else throw new Error(`--db: expected pglite, postgres or both, got "${v}"`);
        break;
      }
      case "--connections":
        options.connections = Math.round(positive(value(), flag));
        break;
      case "--duration":
        options.durationSec = positive(value(), flag);
        break;
      case "--warmup":
        options.warmupSec = Number(value());
        break;
      case "--scenarios": {
        const list = value()
          .split(",")
          .map((s) => s.trim());
        const unknown = list.filter((s) => !(ALL_SCENARIOS as readonly string[]).includes(s));
        if (unknown.length) throw new Error(`--scenarios: unknown ${unknown.join(", ")} (known: ${ALL_SCENARIOS.join(", ")})`);
        options.scenarios = list as ScenarioId[];
        break;
      }
      case "--no-baselines":
        options.baselines = [];
        break;
      case "--baselines": {
        const list = value()
          .split(",")
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean);
        const unknown = list.filter((s) => !(ALL_BASELINES as readonly string[]).includes(s));
        if (unknown.length) throw new Error(`--baselines: unknown ${unknown.join(", ")} (known: ${ALL_BASELINES.join(", ")})`);
        options.baselines = [...new Set(list)] as BaselineKind[];
        break;
      }
      case "--no-startup":
        options.startup = false;
        break;
      case "--scale":
        options.scale = true;
        break;
      case "--scale-only":
        options.scale = true;
        options.main = false;
        break;
      case "--scale-sizes":
        options.scaleSizes = numberList(value(), flag).sort((a, b) => a - b);
        break;
      case "--scale-concurrency":
        options.scaleConcurrency = numberList(value(), flag);
        break;
      case "--scale-duration":
        options.scaleDurationSec = positive(value(), flag);
        break;
      case "--introspection-identities":
        options.introspectionIdentities = Math.round(positive(value(), flag));
        break;
      case "--no-db-stats":
        options.dbStats = false;
        break;
      case "--repeat":
        options.repeat = Math.round(positive(value(), flag));
        break;
      case "--profile":
        options.profile = true;
        break;
      case "--observability":
        options.observability = true;
        break;
      case "--observability-only":
        options.observability = true;
        options.main = false;
        break;
      case "--out":
        options.out = value();
        break;
      default:
        throw new Error(`unknown flag ${arg}`);
    }
  }
  return options;
}
