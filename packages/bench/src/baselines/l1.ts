// Baseline L1: L0 plus one durable audit row per read. The `get-identity-oci-auth` events of
// concurrent requests are committed together, one multi-row INSERT into audit_events per tick
// (the app's statement and columns), and each response is written once its row is committed.
// PostgreSQL through a pg.Pool (the app's default size), PGlite in-process on the same folder.
import { randomUUID } from "node:crypto";
import { baselineEnv, openRunner, type QueryRunner } from "./common.js";
import { createMemoryReadHandler, loadIdentities, serveReads, type ReadEvent } from "./in-memory.js";
import { loadPublicKeys } from "./token-verifier.js";

const MAX_BATCH = 200;

const INSERT_SQL = `INSERT INTO audit_events (id, "orgId", "eventType", "actorType", "actorId", "actorName", metadata, "ipAddress", "userAgent")
  SELECT id, org, event, actor, actor_id, actor_name, meta::jsonb, ip, agent
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
      AS t(id, org, event, actor, actor_id, actor_name, meta, ip, agent)`;

/** Group commit: the events queued during one tick go out in one INSERT; each caller waits for its batch. */
class AuditGroupCommit {
  private queue: { event: ReadEvent; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  rows = 0;
  inserts = 0;

  constructor(private readonly runner: QueryRunner) {}

  write(event: ReadEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.queue.length >= MAX_BATCH) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush() {
    this.scheduled = false;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    const events = batch.map((b) => b.event);
    try {
      await this.runner.query(INSERT_SQL, [
        events.map(() => randomUUID()),
        events.map((e) => e.orgId),
        events.map(() => "get-identity-oci-auth"),
        events.map(() => "identity"),
        events.map((e) => e.actorId),
        events.map((e) => e.actorName),
        events.map((e) => JSON.stringify({ identityId: e.identityId })),
        events.map((e) => e.ipAddress),
        events.map((e) => e.userAgent),
      ]);
      this.rows += batch.length;
      this.inserts++;
      for (const b of batch) b.resolve();
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}

const { port, host } = baselineEnv();
const { runner, describe } = await openRunner(process.env);
const identities = await loadIdentities(runner);
const publicKeys = await loadPublicKeys(runner);
const audit = new AuditGroupCommit(runner);

serveReads({
  name: "L1 baseline",
  port,
  host,
  describe: `${identities.size} identities loaded at start; audit rows through ${describe}`,
  handle: createMemoryReadHandler(identities, publicKeys, (event) => audit.write(event)),
  stats: () => ({ auditRows: audit.rows, auditInserts: audit.inserts }),
  close: () => runner.close(),
});
