import pino, { type DestinationStream, type Logger } from "pino";
import { getConfig } from "./config";
import { logContextFields } from "./log-context";

/**
 * Structured JSON logs (pino). Secrets never reach them: request bodies and headers are not
 * logged, and these paths are redacted wherever they appear in a logged object.
 */
export const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "privateKey",
  "*.privateKey",
  "signature",
  "*.signature",
];

/** How long a log line may wait in the buffer before it is written. */
export const LOG_FLUSH_INTERVAL_MS = 500;

type SonicBoom = ReturnType<typeof pino.destination>;
let stdoutDestination: SonicBoom | undefined;

/**
 * Buffered, asynchronous writes to stdout: one log line per request must not cost a syscall per
 * request. A timer writes what is buffered at least every LOG_FLUSH_INTERVAL_MS (so a line shows
 * within a second under light traffic), and shutdown writes the rest synchronously (flushLogsSync).
 */
function createStdoutDestination(): SonicBoom {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  // `_len` is what the buffer holds: an idle server makes no empty writes.
  const state = stream as unknown as { _len?: number; destroyed?: boolean };
  setInterval(() => {
    if (!state.destroyed && (state._len ?? 1) > 0) stream.flush();
  }, LOG_FLUSH_INTERVAL_MS).unref();
  stdoutDestination = stream;
  return stream;
}

/** Writes every buffered log line now (at shutdown, before the process exits). */
export function flushLogsSync(): void {
  try {
    stdoutDestination?.flushSync();
  } catch {
    // Not open yet (nothing was written) or already closed: nothing to write.
  }
}

interface Loggers {
  logger: Logger;
  /**
   * The access log: one line per API request with fixed fields only (request id, method, normalised
   * path, status, duration, caller IP), so it skips the redaction pass the general logger makes.
   */
  access: Logger;
  /** Start-up, migration and shutdown lines: written at LOG_LEVEL=warn or error too (only `silent` drops them). */
  lifecycle: Logger;
}

function configuredLevel(): string {
  try {
    return getConfig().LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info");
  } catch {
    return "info"; // the configuration is invalid: the line saying so is still written
  }
}

function create(destination?: DestinationStream, level?: string): Loggers {
  const stream = destination ?? createStdoutDestination();
  const common = {
    level: level ?? configuredLevel(),
    base: { service: "ociauth" },
    // One shape for every line: `level` by name, `time` in ISO-8601, `msg`; requestId/traceId inside a request.
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    mixin: logContextFields,
  };
  return {
    logger: pino(
      { ...common, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, serializers: { err: pino.stdSerializers.err } },
      stream,
    ),
    access: pino(common, stream),
    lifecycle: pino(
      {
        ...common,
        level: common.level === "silent" ? "silent" : ["debug", "trace"].includes(common.level) ? common.level : "info",
        serializers: { err: pino.stdSerializers.err },
      },
      stream,
    ),
  };
}

let loggers: Loggers | undefined;

export function getLogger(): Logger {
  return (loggers ??= create()).logger;
}

export function getAccessLogger(): Logger {
  return (loggers ??= create()).access;
}

export function getLifecycleLogger(): Logger {
  return (loggers ??= create()).lifecycle;
}

/** Tests capture what the service logs. */
export function setLoggerDestinationForTesting(destination: DestinationStream, level = "debug"): Logger {
  loggers = create(destination, level);
  return loggers.logger;
}
