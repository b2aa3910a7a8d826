import type { Database, StatementRunner } from "../client";

/** One event of the outbox (audit_events) as the delivery engine reads it. */
export interface OutboxEventRow {
  seq: number;
  id: string;
  orgId: string | null;
  eventType: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  metadata: Record<string, unknown>;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
}

const toNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/**
 * The device's cursor, created at the newest event when the device is new: a device added to a
 * running installation gets the events from now on, not the history (the export has that).
 */
export async function ensureDeviceCursor(run: StatementRunner, device: string): Promise<void> {
  await run(
    `INSERT INTO audit_device_cursors (device, delivered_seq)
       SELECT $1, COALESCE(MAX(seq), 0) FROM audit_events
     ON CONFLICT (device) DO NOTHING`,
    [device],
  );
}

export interface DeviceProgress {
  deliveredSeq: number;
  /** The newest seq in the outbox (0 when empty). */
  maxSeq: number;
  /** When the oldest event not yet delivered was written (null: none waiting). */
  oldestWaitingAt: Date | null;
  updatedAt: Date;
}

/** How far the device is, read by any instance (delivering or not). */
export async function readDeviceProgress(run: StatementRunner, device: string): Promise<DeviceProgress | null> {
  const [row] = await run<{ delivered_seq: unknown; updated_at: Date; max_seq: unknown; oldest: Date | null }>(
    `SELECT c.delivered_seq, c.updated_at,
            (SELECT COALESCE(MAX(seq), 0) FROM audit_events) AS max_seq,
            (SELECT "createdAt" FROM audit_events WHERE seq > c.delivered_seq ORDER BY seq LIMIT 1) AS oldest
       FROM audit_device_cursors c WHERE c.device = $1`,
    [device],
  );
  if (!row) return null;
  return {
    deliveredSeq: toNumber(row.delivered_seq)!,
    maxSeq: toNumber(row.max_seq)!,
    oldestWaitingAt: row.oldest ? new Date(row.oldest) : null,
    updatedAt: new Date(row.updated_at),
  };
}

/** Up to `limit` events after `afterSeq`, in delivery order. */
export async function readOutboxEvents(run: StatementRunner, afterSeq: number, limit: number): Promise<OutboxEventRow[]> {
  const rows = await run<Omit<OutboxEventRow, "seq"> & { seq: unknown }>(
    `SELECT seq, id, "orgId", "eventType", "actorType", "actorId", "actorName", metadata, "ipAddress", "userAgent", "createdAt"
       FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows.map((row) => ({ ...row, seq: Number(row.seq), createdAt: new Date(row.createdAt) }));
}

export async function advanceDeviceCursor(run: StatementRunner, device: string, deliveredSeq: number): Promise<void> {
  await run(`UPDATE audit_device_cursors SET delivered_seq = $2, updated_at = now() WHERE device = $1`, [device, deliveredSeq]);
}

/** The lowest seq some configured device has not delivered yet (retention keeps it and everything after); null without devices. */
export async function lowestUndeliveredSeq(run: StatementRunner, devices: readonly string[]): Promise<number | null> {
  if (devices.length === 0) return null;
  const [row] = await run<{ floor: unknown }>(
    `SELECT MIN(delivered_seq) + 1 AS floor FROM audit_device_cursors WHERE device = ANY($1::text[])`,
    [[...devices]],
  );
  return toNumber(row?.floor);
}

/**
 * Runs `deliver` as the only deliverer of `device` among every instance on the database: on
 * PostgreSQL in a transaction holding the device's cursor row (FOR UPDATE SKIP LOCKED), so another
 * instance skips it while this one delivers, and takes over when this one's connection ends (a
 * crash rolls the transaction back). Answers null when another instance holds it. PGlite serves
 * one process (its data folder is locked), so no lock is needed there.
 */
export async function withDeviceDelivery<T>(
  database: Database,
  device: string,
  deliver: (run: StatementRunner, deliveredSeq: number) => Promise<T>,
): Promise<{ result: T } | null> {
  const pool = database.pool;
  if (!pool) {
    const [row] = await database.execute<{ delivered_seq: unknown }>(`SELECT delivered_seq FROM audit_device_cursors WHERE device = $1`, [
      device,
    ]);
    if (!row) return null;
    return { result: await deliver(database.execute, Number(row.delivered_seq)) };
  }
  const client = await pool.connect();
  let broken = false;
  const run: StatementRunner = async <Row>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as Row[];
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ delivered_seq: string }>(
      `SELECT delivered_seq FROM audit_device_cursors WHERE device = $1 FOR UPDATE SKIP LOCKED`,
      [device],
    );
    if (rows.length === 0) {
      await client.query("ROLLBACK");
      return null;
    }
    const result = await deliver(run, Number(rows[0]!.delivered_seq));
    await client.query("COMMIT");
    return { result };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
