import { z } from "zod";

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

/** A TCP port number as an environment variable: digits only, 0–65535 (0 picks a free port). */
const port = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a port number from 0 to 65535`)
    .transform(Number)
    .refine((n) => n <= 65_535, `${name} must be a port number from 0 to 65535`);

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: port("PORT").default(3000),
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:\-[\]]+$/, "HOST must be a host name or an IP address to listen on (e.g. 0.0.0.0 or 127.0.0.1)")
    .default("0.0.0.0"),
  LOG_LEVEL: z.enum(LOG_LEVELS, `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`).optional(),
  METRICS: z.enum(["on", "off"], "METRICS must be on or off").default("off"),
  METRICS_PORT: port("METRICS_PORT").optional(),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
  OCI_IDENTITY_ENDPOINT: z.url().optional(),
  OCI_AUTH_ENDPOINT: z.url().optional(),
  OCI_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  REQUEST_TIMEOUT_MS: z.coerce
    .number("REQUEST_TIMEOUT_MS must be a number of milliseconds")
    .int("REQUEST_TIMEOUT_MS must be a whole number of milliseconds")
    .min(100, "REQUEST_TIMEOUT_MS must be at least 100")
    .max(600_000, "REQUEST_TIMEOUT_MS must be at most 600000 (10 minutes)")
    .default(30_000),
  TRUSTED_PROXIES: csv,
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(12 * 3600),
  RATE_LIMIT: z.enum(["on", "off"], "RATE_LIMIT must be on or off").default("on"),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_LOGIN_PER_IDENTITY: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_BOOTSTRAP_PER_IP: z.coerce.number().int().min(1).default(10),
});

export type AppConfig = z.infer<typeof envSchema>;

let cached: AppConfig | undefined;

/** Validated once at start-up; a bad value stops the server with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty variable means "not set" (e.g. `AUTH_SECRET= pnpm start`).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export function getConfig(): AppConfig {
  return (cached ??= loadConfig());
}

/** Tests override single settings (e.g. the OCI stand-in's URL) after start-up. */
export function overrideConfigForTesting(patch: Partial<AppConfig>): void {
  cached = { ...getConfig(), ...patch };
}
