/** True when a write failed on a unique constraint, whichever adapter raised it. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const record = e as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    if (record.code === "P2002" || record.code === "23505") return true;
    const text = String((e as Error).message ?? "");
    if (/Unique constraint failed|duplicate key value violates unique constraint/.test(text)) return true;
    e = record.cause ?? record.meta?.driverAdapterError;
  }
  return false;
}
