import { databasePoolSize, DEFAULT_DATABASE_POOL_SIZE, pgliteSharedBuffers, resolveDatabaseTarget } from "@ociauth/db/settings";
import { parseTrustedIp } from "@ociauth/schema";
import { z } from "zod";
import { resolveSecretFiles } from "./secret-files";

const csv = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );

/** A whole number of `unit` from `min` to `max`, each way of being wrong named in its own message. */
const wholeNumber = (name: string, unit: string, min: number, max: number, maxInWords: string) =>
  z.coerce
    .number(`${name} must be a number of ${unit}`)
    .int(`${name} must be a whole number of ${unit}`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max} (${maxInWords})`);

/** A TCP port number as an environment variable: digits only, 0–65535 (0 picks a free port). */
const port = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a port number from 0 to 65535`)
    .transform(Number)
    .refine((n) => n <= 65_535, `${name} must be a port number from 0 to 65535`);

const PUBLIC_URL_MESSAGE =
  "PUBLIC_URL must be the absolute http(s) URL workloads use to reach this service, without a path, query or credentials (e.g. https://ociauth.example.com)";

/** The service's own URL: http(s), an origin only (the login path is always /api/v1/…). */
const publicUrl = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === "https:" || url.protocol === "http:") &&
    url.hostname !== "" &&
    url.pathname === "/" &&
    url.search === "" &&
    url.hash === "" &&
    url.username === "" &&
    url.password === ""
  );
}, PUBLIC_URL_MESSAGE);

/**
 * A database setting, checked by the function of @ociauth/db that reads it when the database
 * opens (Prisma's CLI and the migration script open it too), so both accept the same values.
 */
const databaseSetting = <T>(name: string, read: (env: NodeJS.ProcessEnv) => T) =>
  z.string().transform((value, ctx): T => {
    try {
      return read({ [name]: value } as NodeJS.ProcessEnv);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

/** TRUSTED_PROXIES: addresses and CIDR blocks, each checked here rather than when the server first builds its matcher. */
const trustedProxies = csv.superRefine((entries, ctx) => {
  for (const entry of entries) {
    if (!parseTrustedIp(entry))
      ctx.addIssue({
        code: "custom",
        message: `TRUSTED_PROXIES must be comma-separated IP addresses or CIDR blocks: "${entry}" is neither`,
      });
  }
});

/** A build's version or revision given by the image (an override of what the code finds itself). */
const buildLabel = (name: string) =>
  z.string().regex(/^[A-Za-z0-9._+-]{1,128}$/, `${name} must be 1 to 128 letters, digits, ".", "_", "+" or "-"`);

/** `true` or `false` (a sink's `required`). */
const trueOrFalse = (name: string) => z.enum(["true", "false"], `${name} must be true or false`).transform((v) => v === "true");

/** Syslog facilities by name (RFC 5424 table 1), as the number PRI is made of. */
export const SYSLOG_FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;
const syslogFacilityNames = Object.keys(SYSLOG_FACILITIES) as [SyslogFacility, ...SyslogFacility[]];

const SYSLOG_URL_MESSAGE = "AUDIT_SYSLOG_URL must be tcp://host:port or tls://host:port (e.g. tls://siem.example.com:6514)";

/** Where the syslog device sends to: TCP or TLS, a host and a port, nothing else. */
const syslogUrl = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === "tcp:" || url.protocol === "tls:") &&
    url.hostname !== "" &&
    url.port !== "" &&
    (url.pathname === "" || url.pathname === "/") &&
    url.search === "" &&
    url.hash === "" &&
    url.username === "" &&
    url.password === ""
  );
}, SYSLOG_URL_MESSAGE);

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  DATABASE_URL: databaseSetting("DATABASE_URL", resolveDatabaseTarget)
    .transform((target) => (target.kind === "postgres" ? target.url : undefined))
    .optional(),
  PGLITE_DIR: z.string().optional(),
  PGLITE_SHARED_BUFFERS: databaseSetting("PGLITE_SHARED_BUFFERS", pgliteSharedBuffers).optional(),
  DATABASE_POOL_SIZE: databaseSetting("DATABASE_POOL_SIZE", databasePoolSize).default(DEFAULT_DATABASE_POOL_SIZE),
  OCIAUTH_MIGRATIONS_DIR: z.string().optional(),
  OCIAUTH_VERSION: buildLabel("OCIAUTH_VERSION").optional(),
  OCIAUTH_REVISION: buildLabel("OCIAUTH_REVISION").optional(),
  PORT: port("PORT").default(3000),
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:\-[\]]+$/, "HOST must be a host name or an IP address to listen on (e.g. 0.0.0.0 or 127.0.0.1)")
    .default("0.0.0.0"),
  LOG_LEVEL: z.enum(LOG_LEVELS, `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`).optional(),
  PUBLIC_URL: publicUrl.optional(),
  METRICS: z.enum(["on", "off"], "METRICS must be on or off").default("off"),
  METRICS_PORT: port("METRICS_PORT").optional(),
  METRICS_TOKEN: z.string().min(32, "METRICS_TOKEN must be at least 32 characters").optional(),
  // OpenTelemetry's standard variables (tracing.ts); the SDK reads them from the environment too.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url("OTEL_EXPORTER_OTLP_ENDPOINT must be a URL, e.g. http://collector:4318").optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be a URL, e.g. http://collector:4318/v1/traces")
    .optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(["http/protobuf", "http/json"], "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (gRPC is not supported)")
    .optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(
      ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"],
      "OTEL_TRACES_SAMPLER must be always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio",
    )
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number("OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1").min(0).max(1).optional(),
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "none"], "OTEL_TRACES_EXPORTER must be otlp or none").optional(),
  OTEL_SDK_DISABLED: z.string().optional(),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
  AUTH_SECRET_PREVIOUS: z.string().min(32, "AUTH_SECRET_PREVIOUS must be at least 32 characters").optional(),
  SIGNING_KEY_ROTATION_DAYS: z.coerce
    .number("SIGNING_KEY_ROTATION_DAYS must be a number of days")
    .min(0.0001, "SIGNING_KEY_ROTATION_DAYS must be more than 0")
    .max(3650, "SIGNING_KEY_ROTATION_DAYS must be at most 3650")
    .default(30),
  OCI_IDENTITY_ENDPOINT: z.url().optional(),
  OCI_AUTH_ENDPOINT: z.url().optional(),
  OCI_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  REQUEST_TIMEOUT_MS: wholeNumber("REQUEST_TIMEOUT_MS", "milliseconds", 100, 600_000, "10 minutes").default(30_000),
  TRUSTED_PROXIES: trustedProxies,
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(12 * 3600),
  RATE_LIMIT: z.enum(["on", "off"], "RATE_LIMIT must be on or off").default("on"),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().min(1).default(200),
  RATE_LIMIT_LOGIN_PER_IDENTITY: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_BOOTSTRAP_PER_IP: z.coerce.number().int().min(1).default(10),
  LOGIN_BACKOFF_FREE_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_BACKOFF_BASE_SECONDS: z.coerce.number().min(0.01).max(3600).default(1),
  LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().min(1).max(86_400).default(900),
  SHUTDOWN_GRACE_SECONDS: wholeNumber("SHUTDOWN_GRACE_SECONDS", "seconds", 1, 3600, "an hour").default(25),
  AUDIT_FILE_PATH: z
    .string()
    .refine((value) => value.startsWith("/"), "AUDIT_FILE_PATH must be an absolute path (e.g. /var/log/ociauth/audit.log)")
    .optional(),
  AUDIT_FILE_MAX_BYTES: wholeNumber("AUDIT_FILE_MAX_BYTES", "bytes", 1024, 2 ** 40, "1 TiB").default(100 * 1024 * 1024),
  AUDIT_FILE_MAX_FILES: wholeNumber("AUDIT_FILE_MAX_FILES", "files", 1, 1000, "a thousand").default(10),
  AUDIT_FILE_FSYNC_INTERVAL_MS: wholeNumber("AUDIT_FILE_FSYNC_INTERVAL_MS", "milliseconds", 0, 60_000, "a minute").default(1000),
  AUDIT_FILE_REQUIRED: trueOrFalse("AUDIT_FILE_REQUIRED").default(false),
  AUDIT_SYSLOG_URL: syslogUrl.optional(),
  AUDIT_SYSLOG_CA_FILE: z.string().optional(),
  AUDIT_SYSLOG_FACILITY: z
    .enum(syslogFacilityNames, `AUDIT_SYSLOG_FACILITY must be one of ${syslogFacilityNames.join(", ")}`)
    .default("authpriv"),
  AUDIT_SYSLOG_APP_NAME: z
    .string()
    .regex(/^[!-~]{1,48}$/, "AUDIT_SYSLOG_APP_NAME must be 1 to 48 printable ASCII characters without spaces (RFC 5424's APP-NAME)")
    .default("ociauth"),
  AUDIT_SYSLOG_REQUIRED: trueOrFalse("AUDIT_SYSLOG_REQUIRED").default(false),
  AUDIT_RETENTION_DAYS: wholeNumber("AUDIT_RETENTION_DAYS", "days", 0, 36_500, "100 years").default(0),
  AUDIT_RETENTION_INTERVAL_MINUTES: wholeNumber("AUDIT_RETENTION_INTERVAL_MINUTES", "minutes", 1, 10_080, "a week").default(60),
  AUDIT_RETENTION_BATCH_SIZE: wholeNumber("AUDIT_RETENTION_BATCH_SIZE", "events", 100, 50_000, "50000 events").default(2000),
  AUDIT_RETENTION_BATCH_PAUSE_MS: wholeNumber("AUDIT_RETENTION_BATCH_PAUSE_MS", "milliseconds", 0, 60_000, "a minute").default(50),
  AUDIT_DEVICE_RETRY_MAX_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  AUDIT_DEVICE_MAX_LAG_SECONDS: z.coerce.number().min(1).max(86_400).default(30),
  AUDIT_DEVICE_GAP_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
  AUDIT_HTTP_URL: z.url({ protocol: /^https?$/, error: "AUDIT_HTTP_URL must be an http(s) URL" }).optional(),
  AUDIT_HTTP_FORMAT: z.enum(["generic", "splunk"], "AUDIT_HTTP_FORMAT must be generic or splunk").default("generic"),
  AUDIT_HTTP_HMAC_SECRET: z.string().min(32, "AUDIT_HTTP_HMAC_SECRET must be at least 32 characters").optional(),
  AUDIT_HTTP_TOKEN: z.string().min(1).optional(),
  AUDIT_HTTP_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  AUDIT_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  AUDIT_HTTP_REQUIRED: trueOrFalse("AUDIT_HTTP_REQUIRED").default(false),
});

const METRICS_UNGUARDED =
  "METRICS=on needs METRICS_TOKEN (scrapers of /metrics on the main port send it as a bearer token) or METRICS_PORT (a port of its own, for a private network)";

export type AppConfig = z.infer<typeof envSchema>;

let cached: AppConfig | undefined;

/** Validated once at start-up; a bad value stops the server with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty variable means "not set" (e.g. `AUTH_SECRET= pnpm start`). Secrets may come from files (X_FILE).
  const present = Object.fromEntries(Object.entries(resolveSecretFiles(env)).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  if (parsed.data.AUTH_SECRET_PREVIOUS !== undefined && parsed.data.AUTH_SECRET === undefined) {
    throw new Error(
      "Invalid configuration:\n  AUTH_SECRET_PREVIOUS: set it only beside AUTH_SECRET (the new root secret) while moving to that secret",
    );
  }
  if (parsed.data.AUTH_SECRET !== undefined && parsed.data.AUTH_SECRET === parsed.data.AUTH_SECRET_PREVIOUS) {
    throw new Error(
      "Invalid configuration:\n  AUTH_SECRET_PREVIOUS: it equals AUTH_SECRET; unset it once every instance runs with the new secret",
    );
  }
  if (parsed.data.AUDIT_HTTP_URL !== undefined) {
    if (parsed.data.AUDIT_HTTP_FORMAT === "generic" && parsed.data.AUDIT_HTTP_HMAC_SECRET === undefined) {
      throw new Error(
        "Invalid configuration:\n  AUDIT_HTTP_HMAC_SECRET: the generic HTTP audit device signs every batch: set AUDIT_HTTP_HMAC_SECRET (or AUDIT_HTTP_HMAC_SECRET_FILE)",
      );
    }
    if (parsed.data.AUDIT_HTTP_FORMAT === "splunk" && parsed.data.AUDIT_HTTP_TOKEN === undefined) {
      throw new Error(
        "Invalid configuration:\n  AUDIT_HTTP_TOKEN: the splunk HTTP audit device needs the HEC token: set AUDIT_HTTP_TOKEN (or AUDIT_HTTP_TOKEN_FILE)",
      );
    }
  }
  // Metrics on the main port are public unless a token guards them: refuse to start rather than expose them.
  if (parsed.data.METRICS === "on" && parsed.data.METRICS_PORT === undefined && parsed.data.METRICS_TOKEN === undefined) {
    throw new Error(`Invalid configuration:\n  METRICS: ${METRICS_UNGUARDED}`);
  }
  return parsed.data;
}

export function getConfig(): AppConfig {
  return (cached ??= loadConfig());
}

/**
 * The URL workloads sign their principal logins for (the audience of the inner request):
 * PUBLIC_URL, or the listen address for local use (`http://localhost:<PORT>` when listening on
 * every interface, else `http://<HOST>:<PORT>`), which start-up warns about.
 */
export function servicePublicUrl(config: Pick<AppConfig, "PUBLIC_URL" | "HOST" | "PORT">): { url: URL; fromListenAddress: boolean } {
  if (config.PUBLIC_URL) return { url: new URL(config.PUBLIC_URL), fromListenAddress: false };
  const everywhere = config.HOST === "0.0.0.0" || config.HOST === "::" || config.HOST === "[::]";
  const host = everywhere ? "localhost" : config.HOST.includes(":") && !config.HOST.startsWith("[") ? `[${config.HOST}]` : config.HOST;
  return { url: new URL(`http://${host}:${config.PORT}`), fromListenAddress: true };
}

/** The start-up warning when PUBLIC_URL is not set; null when it is. */
export function publicUrlWarning(config: Pick<AppConfig, "PUBLIC_URL" | "HOST" | "PORT">): string | null {
  const { url, fromListenAddress } = servicePublicUrl(config);
  if (!fromListenAddress) return null;
  return `PUBLIC_URL is not set: principal logins are accepted only when signed for ${url.origin} (the listen address, for local use), and tokens name it as their issuer. Set PUBLIC_URL to the URL workloads use to reach this service (e.g. https://ociauth.example.com behind a proxy).`;
}

/** Tests override single settings (e.g. the OCI stand-in's URL) after start-up. */
export function overrideConfigForTesting(patch: Partial<AppConfig>): void {
  cached = { ...getConfig(), ...patch };
}
