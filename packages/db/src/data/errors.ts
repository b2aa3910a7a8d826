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
  matchesDbError(error, ["P2025", "P2003", "23503"], /Foreign key constraint violated|violates foreign key constraint|Record to update not found|No record was found/);
