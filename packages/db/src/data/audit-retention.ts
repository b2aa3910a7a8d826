import type { Database, StatementRunner } from "../client";

export interface AuditPruneBatch {
  /** Events created before this moment may go. */
  cutoff: Date;
  /** When set, only events with `seq` below it (the audit devices have delivered them) may go. */
  belowSeq: bigint | null;
  limit: number;
}

/**
 * Deletes at most `limit` of the oldest events created before the cutoff, in one statement (its
 * own short transaction): the rows are picked by their physical address through the createdAt
 * index, so each statement touches only the rows it deletes. Returns how many it deleted.
 */
export async function pruneAuditEventsBatch(execute: StatementRunner, batch: AuditPruneBatch): Promise<number> {
  const floor = batch.belowSeq === null ? "" : `AND seq < $3::bigint`;
  const params: unknown[] = [batch.cutoff, batch.limit];
  if (batch.belowSeq !== null) params.push(batch.belowSeq.toString());
  const rows = await execute<{ deleted: number }>(
    `WITH gone AS (
       DELETE FROM audit_events WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM audit_events WHERE "createdAt" < $1 ${floor} ORDER BY "createdAt" LIMIT $2))
       RETURNING 1)
     SELECT count(*)::int AS deleted FROM gone`,
    params,
  );
  return rows[0]?.deleted ?? 0;
}

/** The advisory lock that lets one instance at a time prune (a constant of this service). */
const PRUNE_LOCK = "ociauth.audit-retention";

/**
 * Runs `work` while holding the cluster-wide prune lock, on one connection of its own (the lock is
 * the session's: it goes with the connection if the process dies). Resolves `{ ran: false }` at
 * once when another instance holds it. PGlite is one process: no lock, the shared connection.
 */
export async function withAuditPruneLock<T>(
  database: Database,
  work: (execute: StatementRunner) => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (!database.pool) return { ran: true, value: await work(database.execute) };
  const client = await database.pool.connect();
  let broken: Error | undefined;
  try {
    const [lock] = (await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [PRUNE_LOCK])).rows;
    if (!lock?.ok) return { ran: false };
    try {
      const execute: StatementRunner = async <Row>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as Row[];
      return { ran: true, value: await work(execute) };
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [PRUNE_LOCK]).catch((error: unknown) => {
        broken = error instanceof Error ? error : new Error(String(error));
      });
    }
  } finally {
    // A connection whose unlock failed may still hold the lock: it is closed, not reused.
    client.release(broken);
  }
}
