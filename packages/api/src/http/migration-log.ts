import type { MigrateOptions } from "@ociauth/db/migrations";
import { getLifecycleLogger } from "../core/logger";

/** The migration step's words and Prisma's own output, each line one JSON log line (`source: "prisma"` for Prisma's). */
export function migrationLogOptions(): Pick<MigrateOptions, "log" | "onLine"> {
  const logger = getLifecycleLogger();
  return {
    log: (message) => logger.info(message),
    onLine: (line, stream) => logger.info({ source: "prisma", stream }, line.trimEnd()),
  };
}
