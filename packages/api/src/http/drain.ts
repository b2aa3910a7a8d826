import type { IncomingMessage, Server, ServerResponse } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";

/** The exit code when a second signal or the deadline cuts the shutdown short (a clean one exits 0). */
export const FORCED_EXIT_CODE = 1;
/**
 * A signal sent to a process group reaches the server once directly and once more through every
 * launcher that passes it on (scripts/start.mjs, pnpm): signals this soon after the first are those
 * echoes. A second signal later than this forces the exit.
 */
export const SIGNAL_ECHO_MS = 1000;
/** Keep-alive connections still idle this long after the drain began are closed. */
export const IDLE_GRACE_MS = 1000;
/** Closing the metrics listener, the change feed and the database may take this long once the drain is over. */
export const CLOSE_TIMEOUT_MS = 5000;
/** A forced exit's line names at most this many requests. */
const NAMED_AT_MOST = 10;

interface OpenRequest {
  method: string;
  /** Without the query string: a line naming it never carries a challenge or a token. */
  path: string;
  res: ServerResponse;
}

/** The requests a server has received and not yet answered (or seen broken off). */
export class InFlightRequests {
  private readonly open = new Set<OpenRequest>();
  private readonly finishListeners = new Set<() => void>();
  /** Requests answered or broken off since the server started. */
  finished = 0;

  /** Connections taken over by an `upgrade` listener (Next's hot reload in dev): no request of theirs ends. */
  readonly upgraded = new Set<Duplex>();

  /** Tracks every request `server` receives from now on, and every upgraded connection. */
  static watch(server: Server): InFlightRequests {
    const tracker = new InFlightRequests();
    server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => tracker.add(req, res));
    // Only beside someone else's upgrade listener: with none, Node serves an Upgrade request as a plain one.
    const trackUpgrade = (_req: IncomingMessage, socket: Duplex) => {
      tracker.upgraded.add(socket);
      socket.once("close", () => tracker.upgraded.delete(socket));
    };
    server.on("newListener", (event: string | symbol, listener: unknown) => {
      if (event === "upgrade" && listener !== trackUpgrade && !server.listeners("upgrade").includes(trackUpgrade)) {
        server.on("upgrade", trackUpgrade);
      }
    });
    return tracker;
  }

  add(req: IncomingMessage, res: ServerResponse): void {
    const entry: OpenRequest = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!.slice(0, 200), res };
    this.open.add(entry);
    res.once("close", () => {
      this.open.delete(entry);
      this.finished++;
      for (const listener of this.finishListeners) listener();
    });
  }

  get size(): number {
    return this.open.size;
  }

  responses(): ServerResponse[] {
    return [...this.open].map((entry) => entry.res);
  }

  /** "POST /api/v1/auth/oci-auth/login", oldest first. */
  describe(): string[] {
    return [...this.open].map((entry) => `${entry.method} ${entry.path}`);
  }

  onFinish(listener: () => void): void {
    this.finishListeners.add(listener);
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "2 requests still in flight: POST /a, GET /b" (the first NAMED_AT_MOST named), or "no request in flight". */
export function describeInFlight(requests: string[]): string {
  if (requests.length === 0) return "no request in flight";
  const named = requests.slice(0, NAMED_AT_MOST).join(", ");
  const more = requests.length > NAMED_AT_MOST ? `, … and ${requests.length - NAMED_AT_MOST} more` : "";
  return `${plural(requests.length, "request")} still in flight: ${named}${more}`;
}

/**
 * Stops taking connections without failing a request a proxy already sent: new connections are
 * refused (a proxy passes those on to another instance, whatever the method); requests on open
 * connections, in flight or arriving, are served and answered with `Connection: close`, so a
 * proxy's keep-alive connection is closed by an answer rather than under a request it is sending.
 * Keep-alive connections still idle after `idleGraceMs` are closed, and any that turns idle from
 * then on, and upgraded connections (WebSockets) with them. http.Server#close is not used: it drops idle keep-alive connections at once, and a proxy
 * may be reusing one of them at that moment (a POST sent on it would not be retried).
 * Resolves once every connection is closed.
 */
export function drainConnections(server: Server, inFlight: InFlightRequests, idleGraceMs = IDLE_GRACE_MS): Promise<void> {
  return new Promise((resolve) => {
    server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => res.setHeader("connection", "close"));
    for (const res of inFlight.responses()) if (!res.headersSent) res.setHeader("connection", "close");
    net.Server.prototype.close.call(server, () => resolve());
    let closingIdle = false;
    // An answer whose headers went out before the drain leaves its connection open and idle.
    inFlight.onFinish(() => closingIdle && setImmediate(() => server.closeIdleConnections()));
    setTimeout(() => {
      closingIdle = true;
      server.closeIdleConnections();
      // A hot-reload WebSocket has nothing to finish; the page reconnects to the next server.
      for (const socket of inFlight.upgraded) socket.destroy();
    }, idleGraceMs).unref();
  });
}

export interface ShutdownLog {
  info(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

export interface ShutdownOptions {
  /** SHUTDOWN_GRACE_SECONDS in milliseconds: how long requests in flight may take. */
  graceMs: number;
  inFlight: InFlightRequests;
  /** /readyz answers 503 from now on. */
  markNotReady(): void;
  /** Stops taking connections; resolves once every connection is closed (drainConnections). */
  drain(): Promise<void>;
  /** Closes what the process holds once no connection is left; `step` names each part as it starts, for a forced exit's line. */
  close(step: (what: string) => void): Promise<void>;
  log: ShutdownLog;
  /** Writes the buffered logs and ends the process. */
  exit(code: number): void;
  now?: () => number;
  echoMs?: number;
  closeTimeoutMs?: number;
}

/**
 * The process's answer to SIGTERM/SIGINT. The first signal: /readyz says 503, the listener stops,
 * requests in flight finish (for at most `graceMs`), connections close, then the metrics listener,
 * change feed and database; exit 0. A second signal (after the echoes of the first) or a deadline
 * passing: a line naming what was cut, exit FORCED_EXIT_CODE.
 */
export function createShutdown(options: ShutdownOptions): (signal: string) => void {
  const now = options.now ?? (() => performance.now());
  const echoMs = options.echoMs ?? SIGNAL_ECHO_MS;
  const { inFlight, log } = options;
  let startedAt: number | undefined;
  let finishedBefore = 0;
  let step: string | undefined;
  let over = false;
  let timer: NodeJS.Timeout | undefined;

  const end = (code: number) => {
    if (over) return;
    over = true;
    clearTimeout(timer);
    options.exit(code);
  };
  const force = (reason: string) => {
    if (over) return;
    const requests = inFlight.describe();
    const message = `forced exit (${reason}): ${describeInFlight(requests)}${step ? `; cut while ${step}` : ""}`;
    log.error(message, { reason, inFlight: requests.length, requests, step: step ?? null, exitCode: FORCED_EXIT_CODE });
    end(FORCED_EXIT_CODE);
  };

  return (signal: string) => {
    if (startedAt !== undefined) {
      if (now() - startedAt >= echoMs) force(`second ${signal}`);
      return;
    }
    startedAt = now();
    finishedBefore = inFlight.finished;
    options.markNotReady();
    const graceSeconds = options.graceMs / 1000;
    log.info(
      `${signal} received, shutting down: draining ${plural(inFlight.size, "request")} in flight (at most ${graceSeconds} s); /readyz answers 503`,
      { signal, inFlight: inFlight.size, graceSeconds },
    );
    timer = setTimeout(() => force(`SHUTDOWN_GRACE_SECONDS=${graceSeconds} passed`), options.graceMs);
    options
      .drain()
      .then(async () => {
        if (over) return;
        clearTimeout(timer);
        const ms = Math.round(now() - startedAt!);
        const finished = inFlight.finished - finishedBefore;
        log.info(`drain complete in ${ms} ms: ${plural(finished, "request")} finished during the drain`, { ms, finished });
        const closeTimeoutMs = options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS;
        timer = setTimeout(() => force(`closing took over ${closeTimeoutMs / 1000} s`), closeTimeoutMs);
        await options.close((what) => (step = what));
        step = undefined;
        const total = Math.round(now() - startedAt!);
        log.info(`stopped in ${total} ms`, { ms: total });
        end(0);
      })
      .catch((error: unknown) => {
        log.error(`shutting down failed${step ? ` while ${step}` : ""}: ${(error as Error).message ?? String(error)}`, {
          err: error,
          step: step ?? null,
        });
        end(FORCED_EXIT_CODE);
      });
  };
}
