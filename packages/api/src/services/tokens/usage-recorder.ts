import { addAccessTokenUses, type DbClient } from "@ociauth/db";

const FLUSH_EVERY_MS = 1000;

/**
 * Use counts of tokens WITHOUT a use limit, added to the database in batches (about once a
 * second) instead of one UPDATE per request. They are informational (dashboard "uses", "last
 * used"); tokens with a limit are always counted atomically in the database on each use.
 */
export class UsageRecorder {
  private pending = new Map<string, { count: number; lastUsedAt: Date; ip: string | null }>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: DbClient) {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  record(tokenId: string, ip: string | null) {
    const entry = this.pending.get(tokenId);
    if (entry) {
      entry.count++;
      entry.lastUsedAt = new Date();
      entry.ip = ip;
    } else this.pending.set(tokenId, { count: 1, lastUsedAt: new Date(), ip });
  }

  flush(): Promise<void> {
    if (this.pending.size === 0) return this.flushing;
    const batch = [...this.pending].map(([id, use]) => ({ id, ...use }));
    this.pending = new Map();
    this.flushing = this.flushing.then(() => addAccessTokenUses(this.db, batch)).catch(() => undefined);
    return this.flushing;
  }

  async close() {
    clearInterval(this.timer);
    await this.flush();
  }
}
