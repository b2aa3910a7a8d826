/** Walks an error and its causes (Prisma wraps driver-adapter errors differently per adapter). */
function matchesDbError(error: unknown, codes: string[], messages: RegExp): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const record = e as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown; code?: unknown } };
    if (codes.includes(String(record.code)) || codes.includes(String(record.meta?.code))) return true;
    if (messages.test(String((e as Error).message ?? ""))) return true;
    e = record.cause ?? record.meta?.driverAdapterError;
  }
  return false;
}

/** True when a write failed on a unique constraint, whichever adapter raised it. */
export const isUniqueViolation = (error: unknown) =>
  matchesDbError(error, ["P2002", "23505"], /Unique constraint failed|duplicate key value violates unique constraint/);

/** True when a write failed because its row or a referenced row no longer exists (a racing delete). */
export const isMissingRowError = (error: unknown) =>
  matchesDbError(
    error,
    ["P2025", "P2003", "23503"],
    /Foreign key constraint violated|violates foreign key constraint|Record to update not found|No record was found/,
  );

/**
 * True when a statement failed because the database cannot be reached or is not accepting work
 * right now (connection refused or lost, no pooled connection or transaction slot in time, too
 * many connections, server shutting down or starting up, a statement cancelled because the
 * request it ran for passed its deadline):
 * the caller should try again later (503), it is no fault of the request.
 */
export const isDatabaseUnavailable = (error: unknown) =>
  matchesDbError(
    error,
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EHOSTUNREACH",
      "ENOTFOUND",
      "EPIPE",
      "P1001",
      "P1002",
      "P1017",
      "P2024",
      "P2028",
      "53300",
      "57P01",
      "57P02",
      "57P03",
      "08000",
      "08001",
      "08003",
      "08006",
      "57014",
    ],
    /Can't reach database server|Connection terminated|connect ECONNREFUSED|Timed out fetching a new connection|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error|Connection is closed|server closed the connection unexpectedly|canceling statement/i,
  );
