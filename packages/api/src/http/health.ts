import type { ServerResponse } from "node:http";
import { type MigrationFolder, readMigrationFolders, readMigrationState } from "@ociauth/db/migrations";
import { buildInfo } from "../core/build-info";
import { getLogger } from "../core/logger";
import { getOpenDatabase, getOpenRuntime } from "../core/process-runtime";
import type { Runtime } from "../core/runtime";
import { DATABASE_SECRET_ADVICE } from "../services/keys/root-secret";

/** The probe routes the front door answers before anything else: no auth, no rate limit, no access-log line. */
export const HEALTH_PATHS = new Set(["/healthz", "/readyz", "/api/status"]);

/** A readiness check that takes longer than this counts as a database that does not answer. */
const READY_TIMEOUT_MS = 2_000;

/** The migrations this build ships: read once, they do not change while the process runs. */
let folders: MigrationFolder[] | undefined;

/** What /readyz says from the first moment of a drain (SIGTERM/SIGINT) until the process exits. */
export const DRAINING = "The server is shutting down: it finishes the requests in flight and takes no new ones";
let draining = false;

/** Called once, when the drain starts: /readyz answers 503 from then on, without asking the database. */
export function markDraining(): void {
  draining = true;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

/** What a probe is told when the database does not answer: its address, user and error stay in the log. */
export const DATABASE_UNAVAILABLE = "Database unavailable (the server log has the details)";

/**
 * Ready when the database answers and has every migration of this build applied: the same
 * comparison with `_prisma_migrations` as the start-up migration (packages/db migrations.ts).
 */
export async function checkReadiness(): Promise<Readiness> {
  const database = await getOpenDatabase().catch(() => undefined);
  if (!database) return { ready: false, reason: "The database is not open yet (the server is starting or stopping)" };
  folders ??= readMigrationFolders();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    const state = await Promise.race([readMigrationState(database, folders), timeout]);
    const missing = [...state.pending, ...state.failed];
    if (missing.length > 0) {
      return { ready: false, reason: `Database migrations not applied: ${missing.join(", ")} (restart the server to apply them)` };
    }
    return { ready: true };
  } catch (error) {
    // The error names the host, port or user: anyone may call /readyz, so only the log gets it.
    getLogger().warn({ err: error }, "readiness check: the database does not answer");
    return { ready: false, reason: DATABASE_UNAVAILABLE };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /api/status: Infisical's health answer with the server's version and revision, plus where the root secret comes from when it is still
 * kept in the database (as older versions did) and how to move it out, and the audit devices' health (sanitised).
 */
export function statusAnswer(runtime: Runtime | undefined): Record<string, unknown> {
  const { version, revision } = buildInfo();
  const answer: Record<string, unknown> = { date: new Date().toISOString(), message: "Ok", version, revision };
  // Public: each device's state, lag and error class only (no host, address or message: admins see those).
  const devices = runtime?.auditDevices.summary() ?? [];
  if (devices.length > 0) answer.auditDevices = devices;
  if (runtime?.tokens.keyring.secrets.source === "database") {
    answer.rootSecret = { source: "database", advice: DATABASE_SECRET_ADVICE };
  }
  return answer;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    })
    .end(JSON.stringify(body));
}

/** Answers /healthz (the process runs), /readyz (it can serve: database up to date) and /api/status (Infisical's health route). */
export async function serveHealth(pathname: string, method: string | undefined, res: ServerResponse): Promise<void> {
  if (method !== "GET" && method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return sendJson(res, 405, { statusCode: 405, error: "Method Not Allowed", message: `Method ${method} is not allowed on ${pathname}` });
  }
  if (pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
  if (pathname === "/api/status") return sendJson(res, 200, statusAnswer(await getOpenRuntime().catch(() => undefined)));
  if (draining) return sendJson(res, 503, { status: "draining", reason: DRAINING });
  const readiness = await checkReadiness();
  if (readiness.ready) return sendJson(res, 200, { status: "ready" });
  sendJson(res, 503, { status: "unavailable", reason: readiness.reason });
}
