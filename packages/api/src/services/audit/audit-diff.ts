/** The fields whose value differs between two versions of a record, with the old and the new value of each. */
export function auditDiff<T extends object>(before: T, after: T) {
  const changedFields: string[] = [];
  const old: Partial<T> = {};
  const now: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null)) continue;
    changedFields.push(key);
    old[key] = (before[key] ?? null) as T[typeof key];
    now[key] = (after[key] ?? null) as T[typeof key];
  }
  return { changedFields, before: old, after: now };
}
