import pino, { type DestinationStream, type Logger } from "pino";

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

function create(destination?: DestinationStream): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
      base: { service: "ociauth" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: pino.stdSerializers.err },
    },
    // Buffered, asynchronous writes to stdout: one log line per request must not cost a syscall
    // per request (flushed on shutdown; see http/run-server.ts).
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}

let logger: Logger | undefined;

export function getLogger(): Logger {
  return (logger ??= create());
}

/** Tests capture what the service logs. */
export function setLoggerDestinationForTesting(destination: DestinationStream, level = "debug"): Logger {
  logger = create(destination);
  logger.level = level;
  return logger;
}
