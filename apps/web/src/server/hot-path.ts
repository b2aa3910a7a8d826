import { type ChangeFeed, type Database, type Db, subscribeToChanges } from "@ociauth/db";
import { getLogger } from "./logger";
import { AuditBatcher } from "./services/audit/audit-batcher";
import { AuthCache } from "./services/auth/auth-cache";
import { UsageRecorder } from "./services/tokens/usage-recorder";

/** The per-database helpers of the request hot path. */
export interface HotPath {
  cache: AuthCache;
  usage: UsageRecorder;
  audit: AuditBatcher;
  close(): Promise<void>;
}

// On globalThis: Next's bundle and the production server's modules share one registry.
const globalForHotPath = globalThis as unknown as { ociauthHotPaths?: WeakMap<Db, HotPath> };
const registry = (globalForHotPath.ociauthHotPaths ??= new WeakMap<Db, HotPath>());

/**
 * Starts the cache (fed by the database's change notifications), the use-count recorder and the
 * audit batcher for a database. Requests on a database without them read and write directly.
 */
export async function startHotPath(database: Database): Promise<HotPath> {
  const existing = registry.get(database.prisma);
  if (existing) return existing;
  // The cache asks the feed whether it may serve; the feed feeds the cache: one holds the other late.
  const feedRef: { current?: ChangeFeed } = {};
  const cache = new AuthCache(() => feedRef.current?.isFresh() ?? false);
  const feed = (feedRef.current = await subscribeToChanges(database, {
    onChange: (payload) => cache.onChange(payload),
    onReset: () => {
      getLogger().warn("change feed reconnecting: auth cache cleared");
      cache.clear();
    },
  }));
  const usage = new UsageRecorder(database.prisma);
  const hotPath: HotPath = {
    cache,
    usage,
    audit: new AuditBatcher(database.prisma),
    async close() {
      registry.delete(database.prisma);
      await usage.close();
      await feed.close();
    },
  };
  registry.set(database.prisma, hotPath);
  return hotPath;
}

export const hotPathFor = (db: unknown): HotPath | undefined => registry.get(db as Db);
