import { envSchema } from "./config";
import { SECRET_NAMES } from "./secret-files";

type VariableName = keyof typeof envSchema.shape;

interface VariableDoc {
  /** What the default column shows when the schema's own default is not the whole story (or there is none). */
  default?: string;
  /** Markdown; links are relative to the repository root (README.md shows the table). */
  meaning: string;
}

/**
 * Every variable of envSchema with its meaning: README.md's configuration table is generated from
 * it (`pnpm --filter @ociauth/api docs:config`) and a test fails while the two differ. A variable
 * added to the schema without a row here does not type-check.
 */
export const VARIABLE_DOCS: Record<VariableName, VariableDoc> = {
  PORT: { meaning: "HTTP port of the API and the dashboard (0–65535; 0 picks a free port)" },
  HOST: { meaning: "interface to listen on (`127.0.0.1` for this machine only)" },
  PUBLIC_URL: {
    default: "`http://localhost:<PORT>` (the listen address; start-up warns)",
    meaning:
      "the URL workloads reach this service at, e.g. `https://ociauth.example.com`: an http(s) origin without a path. Principal logins must be signed for its host (and port), and it is the tokens' issuer (`iss`, the discovery document): set it behind a proxy or a DNS name",
  },
  DATABASE_URL: { meaning: "`postgres://user:pass@host:5432/db` selects PostgreSQL; unset selects the embedded PGlite database" },
  PGLITE_DIR: {
    default: "`.data/pglite`",
    meaning: "PGlite data folder (relative paths are taken from the repository root); checked for writability before anything opens it",
  },
  PGLITE_SHARED_BUFFERS: {
    default: "`16MB`",
    meaning:
      "PGlite's shared buffers (its page cache, 1MB–1GB, e.g. `64MB`), resident in the app's memory: PostgreSQL's default of 128MB costs the embedded server ~110 MB more RSS; raise it for a large embedded database ([docs/operations.md](docs/operations.md))",
  },
  DATABASE_POOL_SIZE: { meaning: "PostgreSQL connections per app instance (1–1000)" },
  AUTH_SECRET: {
    default: "generated (embedded database only)",
    meaning:
      "the root secret (≥ 32 chars) the token signing keys are stored encrypted under, the same on every instance; **required with PostgreSQL**. Unset on the embedded database: generated once into a 0600 file beside the data folder (`<PGLITE_DIR>.auth-secret`), never into the database ([docs/keys.md](docs/keys.md))",
  },
  AUTH_SECRET_PREVIOUS: {
    meaning:
      "the old root secret while moving to a new `AUTH_SECRET` (a rolling restart; tokens stay valid); unset it once every instance runs with the new one ([docs/keys.md](docs/keys.md#changing-auth_secret))",
  },
  SIGNING_KEY_ROTATION_DAYS: {
    meaning:
      "a new ES256 signing key this often (older keys stay published while tokens they signed live); `POST /api/v1/admin/signing-keys/rotate` rotates at once",
  },
  SESSION_TTL_SECONDS: { meaning: "dashboard user session lifetime (at least 60)" },
  TRUSTED_PROXIES: {
    default: "empty",
    meaning:
      "comma-separated addresses/CIDRs of reverse proxies whose `X-Forwarded-For` is honoured; otherwise the socket address is the caller's IP",
  },
  OCI_IDENTITY_ENDPOINT: {
    meaning: "tests/local development only: replaces `https://identity.<region>.oraclecloud.com` when calling OCI",
  },
  OCI_AUTH_ENDPOINT: {
    meaning: "tests/local development only: replaces `https://auth.<region>.oraclecloud.com` (the principal login's `authenticateClient`)",
  },
  OCI_REQUEST_TIMEOUT_MS: {
    meaning: "total deadline of the call to OCI during a login (100–60000): connect, headers and body (then 502)",
  },
  REQUEST_TIMEOUT_MS: {
    meaning:
      "deadline of every `/api/*` request (100–600000): past it the answer is 503 with `Retry-After` and the request's database statement is cancelled (on PostgreSQL; see [docs/operations.md](docs/operations.md))",
  },
  RATE_LIMIT: { meaning: "`off` disables rate limiting (benchmarks)" },
  RATE_LIMIT_WINDOW_SECONDS: { meaning: "length of the fixed rate-limit window" },
  RATE_LIMIT_LOGIN_PER_IP: {
    meaning:
      "login attempts (OCI and dashboard, failed or not) per caller IP per window, Infisical's own login limit (200 a minute per IP); callers with an unknown IP share one bucket. Principal-login challenges have a budget of the same size of their own",
  },
  RATE_LIMIT_LOGIN_PER_IDENTITY: {
    meaning:
      "OCI logins per identity per window (whatever the IP) whose signature OCI verified; above one caller's 200, so a fleet of workloads sharing an identity (a client per reconcile) is not refused, while a flood of tokens for one identity still is",
  },
  RATE_LIMIT_BOOTSTRAP_PER_IP: { meaning: "bootstrap attempts per caller IP per window" },
  LOGIN_BACKOFF_FREE_ATTEMPTS: {
    meaning:
      "password logins per account (email), whatever the IP, before each further one waits ([docs/users.md](docs/users.md#failed-sign-ins-the-per-account-delay))",
  },
  LOGIN_BACKOFF_BASE_SECONDS: { meaning: "the first wait (0.01–3600); it doubles with every further failure" },
  LOGIN_BACKOFF_MAX_SECONDS: { meaning: "the longest wait (1–86400; 15 minutes by default)" },
  SHUTDOWN_GRACE_SECONDS: {
    meaning:
      "on `SIGTERM`/`SIGINT`, how long requests in flight may take to finish (1–3600) while `/readyz` answers 503 and new connections are refused; then the server exits 0. A second signal, or the grace passing, ends it at once with exit code 1 and a log line naming the requests cut ([docs/operations.md](docs/operations.md#stopping-the-drain))",
  },
  AUDIT_HTTP_URL: {
    meaning:
      "HTTP audit device: every audit event is also POSTed, in batches and in order, to this webhook or Splunk HEC collector URL (unset: no HTTP device; see [docs/observability.md](docs/observability.md#audit-devices))",
  },
  AUDIT_HTTP_FORMAT: {
    meaning: '`generic`: `{"events": [...]}` signed with `X-OCIAuth-Signature`; `splunk`: Splunk HEC events (`/services/collector/event`)',
  },
  AUDIT_HTTP_HMAC_SECRET: {
    meaning:
      "key (32+ characters) of the HMAC-SHA256 signature of each generic batch (`X-OCIAuth-Signature`); or `AUDIT_HTTP_HMAC_SECRET_FILE`",
  },
  AUDIT_HTTP_TOKEN: { meaning: "Splunk HEC token, sent as `Authorization: Splunk <token>`; or `AUDIT_HTTP_TOKEN_FILE`" },
  AUDIT_HTTP_BATCH_SIZE: { meaning: "most events per POST (1–1000)" },
  AUDIT_HTTP_TIMEOUT_MS: { meaning: "deadline of one POST (100–120000); past it the batch counts as failed and is retried" },
  AUDIT_HTTP_REQUIRED: {
    meaning:
      "`true`: while the HTTP device cannot record (last delivery failed, or it lags over `AUDIT_DEVICE_MAX_LAG_SECONDS`), logins and state-changing requests are refused with 503 (reads go on); `false`: events wait in the database and the device is reported failing",
  },
  AUDIT_DEVICE_RETRY_MAX_SECONDS: {
    meaning: "audit devices: longest wait between retries of a failed delivery (exponential back-off from 0.25 s)",
  },
  AUDIT_DEVICE_MAX_LAG_SECONDS: {
    meaning: "audit devices: a device whose oldest undelivered event is older than this counts as failing (on every instance)",
  },
  AUDIT_DEVICE_GAP_WAIT_MS: {
    meaning:
      "audit devices: how long delivery waits at a gap in the event sequence (an insert not yet committed) before moving past it (a rolled-back insert leaves a gap for good)",
  },
  AUDIT_FILE_PATH: {
    meaning:
      "absolute path of the file audit device's file: every audit event as one JSON line, appended (mode 0600; its folder must exist). Unset: no file device ([docs/observability.md](docs/observability.md#file-device))",
  },
  AUDIT_FILE_MAX_BYTES: {
    default: "`104857600` (100 MiB)",
    meaning: "the audit file is rotated before a write would make it larger (1024 bytes – 1 TiB)",
  },
  AUDIT_FILE_MAX_FILES: {
    meaning: "rotated audit files kept (`audit.log.1` the newest … `audit.log.<N>`; 1–1000); older ones are deleted",
  },
  AUDIT_FILE_FSYNC_INTERVAL_MS: {
    meaning:
      "the audit file is fsync'd this often while it has unsynced lines (0–60000; 0 at once); a delivery counts as recorded after the fsync that covers it, so many deliveries share one fsync",
  },
  AUDIT_FILE_REQUIRED: {
    meaning: "`true`: refuse state-changing requests and logins (503) while the file device cannot record; `false`: buffer and alert",
  },
  AUDIT_SYSLOG_URL: {
    meaning:
      "the syslog audit device's receiver, `tcp://host:port` or `tls://host:port` (RFC 5424 messages, RFC 6587 octet-counting framing). Unset: no syslog device ([docs/observability.md](docs/observability.md#syslog-device))",
  },
  AUDIT_SYSLOG_CA_FILE: {
    default: "the system's CAs",
    meaning: "PEM file of the CA(s) that signed the TLS receiver's certificate (a private CA); the receiver's name is checked against it",
  },
  AUDIT_SYSLOG_FACILITY: {
    meaning:
      "the syslog facility of audit messages (`auth`, `authpriv`, `local0`–`local7`, …): `authpriv` keeps them with private security messages",
  },
  AUDIT_SYSLOG_APP_NAME: { meaning: "RFC 5424 APP-NAME of audit messages (1–48 printable ASCII characters)" },
  AUDIT_SYSLOG_REQUIRED: {
    meaning: "`true`: refuse state-changing requests and logins (503) while the syslog device cannot record; `false`: buffer and alert",
  },
  AUDIT_RETENTION_DAYS: {
    meaning:
      "delete audit events older than this many days (1–36500); `0` keeps them forever. Pruned in small batches in the background at start-up and every `AUDIT_RETENTION_INTERVAL_MINUTES`, one instance at a time, never past what an audit device has not delivered yet ([docs/observability.md](docs/observability.md#audit-retention))",
  },
  AUDIT_RETENTION_INTERVAL_MINUTES: { meaning: "how often each instance runs the audit prune (1–10080)" },
  AUDIT_RETENTION_BATCH_SIZE: { meaning: "audit events deleted per statement (100–50000); each statement is its own short transaction" },
  AUDIT_RETENTION_BATCH_PAUSE_MS: { meaning: "pause between two prune statements (0–60000), leaving the database to the writes" },
  LOG_LEVEL: { default: "`info`", meaning: "pino level of the JSON logs on stdout (`debug` … `fatal`, `silent`)" },
  METRICS: {
    meaning: "`on` serves Prometheus metrics at `GET /metrics`; it needs `METRICS_TOKEN` or `METRICS_PORT` (start-up refuses neither)",
  },
  METRICS_PORT: {
    meaning: "serve `/metrics` on this port only (then the main port answers 404 for it); open unless `METRICS_TOKEN` is set",
  },
  METRICS_TOKEN: {
    meaning:
      "at least 32 characters: scrapes send `Authorization: Bearer <token>` (401 otherwise); required for `/metrics` on the main port",
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    meaning:
      "turns OpenTelemetry tracing on: the OTLP/HTTP collector, e.g. `http://collector:4318` (spans go to `<endpoint>/v1/traces`); unset, tracing is off and nothing of OpenTelemetry is loaded ([docs/observability.md](docs/observability.md#traces))",
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    meaning:
      "the full URL spans are sent to (e.g. `http://collector:4318/v1/traces`); turns tracing on too and wins over `OTEL_EXPORTER_OTLP_ENDPOINT`",
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: { default: "`http/protobuf`", meaning: "`http/protobuf` or `http/json` (gRPC is not supported)" },
  OTEL_EXPORTER_OTLP_HEADERS: {
    meaning:
      "headers sent with every export, `key=value` pairs separated by commas (percent-encoded), e.g. `authorization=Bearer%20<token>`",
  },
  OTEL_SERVICE_NAME: { default: "`ociauth`", meaning: "the spans' `service.name`" },
  OTEL_RESOURCE_ATTRIBUTES: {
    meaning: "more resource attributes of the spans, `key=value` pairs separated by commas, e.g. `deployment.environment.name=prod`",
  },
  OTEL_TRACES_SAMPLER: {
    default: "`parentbased_always_on`",
    meaning:
      "which traces are recorded: `always_on`, `always_off`, `traceidratio`, `parentbased_always_on`, `parentbased_always_off` or `parentbased_traceidratio` (parent-based ones follow the caller's `traceparent` sampled flag)",
  },
  OTEL_TRACES_SAMPLER_ARG: { default: "`1`", meaning: "the ratio (0–1) of the `*traceidratio` samplers" },
  OTEL_TRACES_EXPORTER: { default: "`otlp`", meaning: "`none` turns tracing off although an endpoint is set" },
  OTEL_SDK_DISABLED: { default: "`false`", meaning: "`true` turns tracing off although an endpoint is set" },
  OCIAUTH_VERSION: {
    default: "the root `package.json`'s version",
    meaning:
      "the version `/api/status`, `ociauth --version` and the `ociauth_build_info` metric show (the image sets it from its build argument `VERSION`)",
  },
  OCIAUTH_REVISION: {
    default: "the git commit built, else `unknown`",
    meaning: "the source revision shown beside the version (the image sets it from its build argument `REVISION`)",
  },
  OCIAUTH_MIGRATIONS_DIR: { default: "`prisma/migrations`", meaning: "tests only: the migrations folder (tests use copies)" },
  NODE_ENV: { meaning: "`production` in the container image (Next.js reads it); unset by `pnpm start`" },
};

const SECRET_FILE_ROW = {
  name: "<SECRET>_FILE",
  default: "unset",
  meaning: `every secret — ${SECRET_NAMES.map((n) => `\`${n}\``).join(", ")} — may instead be given as a file: \`AUTH_SECRET_FILE=/run/secrets/auth-secret\` reads it from there (a mounted Docker or Kubernetes secret; surrounding whitespace and the trailing newline are trimmed). Both forms set, or a missing, unreadable or empty file, stop the start-up with a message naming the variable ([docs/deploy.md](docs/deploy.md#secrets-as-files))`,
};

/** Every variable the server reads: the schema's, and `<SECRET>_FILE` for each secret. */
export function configurationVariableNames(): string[] {
  return [...Object.keys(envSchema.shape), ...SECRET_NAMES.map((name) => `${name}_FILE`)];
}

/** The default column: the documented text, else the schema's default (what an empty environment gives), else unset. */
function defaultOf(name: VariableName, defaults: Record<string, unknown>): string {
  const doc = VARIABLE_DOCS[name];
  if (doc.default !== undefined) return doc.default;
  const value = defaults[name];
  return value === undefined ? "unset" : `\`${String(value)}\``;
}

/** The rows of README's table, in VARIABLE_DOCS's order. */
export function configurationRows(): { name: string; default: string; meaning: string }[] {
  const defaults = envSchema.parse({}) as Record<string, unknown>;
  const rows = (Object.keys(VARIABLE_DOCS) as VariableName[]).map((name) => ({
    name,
    default: defaultOf(name, defaults),
    meaning: VARIABLE_DOCS[name].meaning,
  }));
  return [...rows, SECRET_FILE_ROW];
}

/** README.md's configuration table (markdown). */
export function configurationTable(): string {
  const lines = ["| variable | default | meaning |", "|---|---|---|"];
  for (const row of configurationRows()) lines.push(`| \`${row.name}\` | ${row.default} | ${row.meaning.replaceAll("|", "\\|")} |`);
  return `${lines.join("\n")}\n`;
}

export const TABLE_START =
  "<!-- configuration-table: generated from packages/api/src/core/config-docs.ts by `pnpm --filter @ociauth/api docs:config` -->";
export const TABLE_END = "<!-- /configuration-table -->";

/** `text` (README.md) with the table between the markers replaced by `table` (blank lines around it); throws when the markers are missing. */
export function withConfigurationTable(text: string, table = configurationTable()): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} markers`);
  return `${text.slice(0, start + TABLE_START.length)}\n\n${table}\n${text.slice(end)}`;
}

/** The table between the markers of `text` (README.md), or null without them. */
export function configurationTableIn(text: string): string | null {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start === -1 || end < start) return null;
  return text.slice(start + TABLE_START.length, end).trim() + "\n";
}
