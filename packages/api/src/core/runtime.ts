import { type ChangeFeed, type Database, type Db, lowestUndeliveredSeq, type StatementRunner, subscribeToChanges } from "@ociauth/db";
import { type AppConfig, getConfig, servicePublicUrl } from "./config";
import { getLogger } from "./logger";
import { setMetricsSources } from "./metrics";
import { AuditRetention, type DeliveryFloor } from "../services/audit/audit-retention";
import { retentionSettings } from "../services/audit/audit-retention-fns";
import { AuditSink } from "../services/audit/audit-sink";
import { AuditDeliveryEngine, DEFAULT_DEVICE_BATCH_SIZE } from "../services/audit/devices/delivery-engine";
import { devicesFromConfig } from "../services/audit/devices";
import { AuthCache } from "../services/auth/auth-cache";
import { TokenSigner } from "../services/auth/token-signer";
import { Keyring } from "../services/keys/keyring";
import { DATABASE_SECRET_ADVICE } from "../services/keys/root-secret";
import { UsageRecorder } from "../services/tokens/usage-recorder";

/**
 * Everything a process keeps per database, handed to every request in its context (`ctx.rt`):
 * the auth cache (fed by the database's change feed), the use counter of unlimited tokens, the
 * audit sink and the token signer with its keyring. Nothing finds these by a side channel.
 */
export interface Runtime {
  db: Db;
  /** Single statements straight on the driver, outside Prisma and any transaction (the login's hot path). */
  sql: StatementRunner;
  authCache: AuthCache;
  usage: UsageRecorder;
  audit: AuditSink;
  /** Streams the audit events to the configured devices (file, syslog, HTTP); gates logins and changes on required ones. */
  auditDevices: AuditDeliveryEngine;
  tokens: TokenSigner;
  close(): Promise<void>;
}

/** How often each instance checks whether the signing key is due for rotation. */
const ROTATION_CHECK_MS = 60_000;

export interface RuntimeOptions {
  /** What the audit retention prune may not pass (the audit devices' undelivered events). */
  auditDeliveryFloor?: DeliveryFloor;
}

export async function startRuntime(database: Database, config: AppConfig = getConfig(), options: RuntimeOptions = {}): Promise<Runtime> {
  const db = database.prisma;
  // Before anything else: a root secret that opens none of the keys stops the start here.
  const keyring = await Keyring.open(database, config);
  if (keyring.secrets.source === "database") getLogger().warn({ rootSecret: "database" }, DATABASE_SECRET_ADVICE);
  // The cache asks the feed whether it may serve; the feed feeds the cache: one holds the other late.
  const feedRef: { current?: ChangeFeed } = {};
  const authCache = new AuthCache(() => feedRef.current?.isFresh() ?? false);
  const feed = (feedRef.current = await subscribeToChanges(database, {
    onChange: (payload) => {
      if (payload.startsWith("signing-keys:")) void keyring.reload();
      else authCache.onChange(payload);
    },
    onReset: () => {
      authCache.clear();
      void keyring.reload();
    },
    onStateChange: (change) => {
      if (change.state === "disconnected") {
        getLogger().warn(
          { cause: change.cause },
          `change feed disconnected (${change.cause}): auth cache cleared, the database is read until it reconnects`,
        );
      } else {
        getLogger().info(
          { attempts: change.attempts, downMs: change.downMs },
          `change feed reconnected after ${change.attempts} attempt${change.attempts === 1 ? "" : "s"} in ${change.downMs} ms`,
        );
      }
    },
  }));
  const pool = database.pool;
  const auditDevices = new AuditDeliveryEngine(devicesFromConfig(config), database, {
    batchSize: (device) => (device === "http" ? config.AUDIT_HTTP_BATCH_SIZE : DEFAULT_DEVICE_BATCH_SIZE),
    retryMaxMs: config.AUDIT_DEVICE_RETRY_MAX_SECONDS * 1000,
    maxLagMs: config.AUDIT_DEVICE_MAX_LAG_SECONDS * 1000,
    gapWaitMs: config.AUDIT_DEVICE_GAP_WAIT_MS,
  });
  const audit = new AuditSink(database.execute, () => auditDevices.nudge());
  setMetricsSources({
    auditQueue: () => audit.pending(),
    changeFeed: () => feed.stats(),
    pool: () => (pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null),
  });
  const usage = new UsageRecorder(db);
  const rotation = setInterval(() => {
    keyring.rotateIfDue().catch((error: unknown) => getLogger().error({ err: error }, "signing key rotation failed"));
  }, ROTATION_CHECK_MS);
  rotation.unref();
  await keyring.rotateIfDue();
  const retentionConfig = retentionSettings(config);
  // Retention never deletes what a device has not delivered yet.
  const deliveryFloor = options.auditDeliveryFloor ?? (() => lowestUndeliveredSeq(database.execute, auditDevices.deviceNames()));
  const retention = retentionConfig && new AuditRetention(database, retentionConfig, deliveryFloor).start();
  auditDevices.start();
  return {
    db,
    sql: database.execute,
    authCache,
    usage,
    audit,
    auditDevices,
    tokens: new TokenSigner(keyring, servicePublicUrl(config).url.origin),
    async close() {
      clearInterval(rotation);
      await retention?.close();
      await usage.close();
      await auditDevices.close();
      await feed.close();
    },
  };
}
